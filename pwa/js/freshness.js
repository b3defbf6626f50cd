// "Mis à jour il y a 3 h": how old the data on screen is, in the words of the PRONOTE app.
export function describeAge(savedAt, now = Date.now()) {
  if (!savedAt) return 'Jamais mis à jour';
  const minutes = Math.floor(Math.max(0, now - savedAt) / 60000);
  if (minutes < 1) return "Mis à jour à l'instant";
  if (minutes < 60) return `Mis à jour il y a ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `Mis à jour il y a ${hours} h`;
  const days = Math.floor(hours / 24);
  return `Mis à jour il y a ${days} j`;
}

// `error`: the API client's error of the last refresh, if it failed.
export function freshnessText(savedAt, { online = navigator.onLine, error = null, now = Date.now() } = {}) {
  const age = describeAge(savedAt, now);
  if (!online) return `Hors ligne · ${age}`;
  if (error?.status === 503) return `Service indisponible · ${age}`;
  if (error?.status === 0) return `Connexion impossible · ${age}`;
  if (error) return `Mise à jour impossible · ${age}`;
  return age;
}
