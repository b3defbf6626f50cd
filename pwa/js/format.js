// French wording: dates as a French reader expects them, and counts with the right plural.
const dayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const shortFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const plurals = new Intl.PluralRules('fr-FR');

export const isoDay = (date) => date.toISOString().slice(0, 10);
export const addDays = (iso, days) => isoDay(new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000));
export const formatDay = (iso) => dayFormat.format(new Date(`${iso}T00:00:00Z`));
export const formatMoment = (iso) => shortFormat.format(new Date(iso));
export const hhmm = (time) => time.slice(0, 5).replace(':', 'h');
// Today on this device's calendar (a family's phone lives in its school's time zone), and a week's Monday.
export const localToday = () => isoDay(new Date(Date.now() - new Date().getTimezoneOffset() * 60000));
export const mondayOf = (iso) => addDays(iso, -((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7));

export function dueLabel(iso, today = isoDay(new Date())) {
  if (iso === addDays(today, 1)) return 'Pour demain';
  if (iso === today) return "Pour aujourd'hui";
  return `Pour ${formatDay(iso)}`;
}

// The one plural rule: French takes the singular for 0 and 1 ("0 absence", "1 essai restant").
// plural(1, 'Enfant', 'Enfants') → "Enfant"; count(2, 'information non lue', 'informations non lues')
// → "2 informations non lues". Never "(s)".
export const plural = (n, singular, several) => (plurals.select(n) === 'one' ? singular : several);
export const count = (n, singular, several) => `${n} ${plural(n, singular, several)}`;
