// French wording: dates as a French reader expects them, and counts with the right plural. The one place
// for date helpers (the app, the espace and the date fields import them): a day is an ISO string
// ("2026-11-23"), a moment anything `new Date()` reads (an API timestamp).
const UTC = { timeZone: 'UTC' };
const dayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', ...UTC });
const fullDayFormat = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', ...UTC });
const monthFormat = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', ...UTC });
const numericFormat = new Intl.DateTimeFormat('fr-FR', { day: '2-digit', month: '2-digit', year: 'numeric', ...UTC });
const shortFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit' });
const plurals = new Intl.PluralRules('fr-FR');
const pad = (n) => String(n).padStart(2, '0');

/** A day (ISO) as a Date at its UTC midnight: day arithmetic without time zones. */
export const utcDate = (iso) => new Date(`${iso}T00:00:00Z`);
export const isoDay = (date) => date.toISOString().slice(0, 10);
export const addDays = (iso, days) => isoDay(new Date(utcDate(iso).getTime() + days * 86400000));
/** "lundi 23 novembre" */
export const formatDay = (iso) => dayFormat.format(utcDate(iso));
/** "lundi 23 novembre 2026" */
export const formatFullDay = (iso) => fullDayFormat.format(utcDate(iso));
/** "novembre 2026" */
export const formatMonth = (iso) => monthFormat.format(utcDate(iso));
/** "23/11/2026" */
export const formatDate = (iso) => numericFormat.format(utcDate(iso));
/** "23 nov., 08:30" */
export const formatMoment = (iso) => shortFormat.format(new Date(iso));
/** "23/11/2026 08:30" on this device's clock; "—" for none. */
export const formatDateTime = (moment) => (moment ? dateTimeFormat.format(new Date(moment)) : '—');
/** "08:30" on this device's clock. */
export const formatTime = (moment) => timeFormat.format(new Date(moment));
export const hhmm = (time) => time.slice(0, 5).replace(':', 'h');
// The day and the time (ISO) this device's clock shows at `moment` (a family's phone lives in its
// school's time zone; "today" for the person at the keyboard), and a week's Monday.
export const localDay = (moment = new Date()) => {
  const date = new Date(moment);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};
export const localTime = (moment = new Date()) => {
  const date = new Date(moment);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
};
export const localToday = () => localDay();
export const mondayOf = (iso) => addDays(iso, -((utcDate(iso).getUTCDay() + 6) % 7));

export function dueLabel(iso, today = localToday()) {
  if (iso === addDays(today, 1)) return 'Pour demain';
  if (iso === today) return "Pour aujourd'hui";
  return `Pour ${formatDay(iso)}`;
}

// The one plural rule: French takes the singular for 0 and 1 ("0 absence", "1 essai restant").
// plural(1, 'Enfant', 'Enfants') → "Enfant"; count(2, 'information non lue', 'informations non lues')
// → "2 informations non lues". Never "(s)".
export const plural = (n, singular, several) => (plurals.select(n) === 'one' ? singular : several);
export const count = (n, singular, several) => `${n} ${plural(n, singular, several)}`;
