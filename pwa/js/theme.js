// Light or dark: the phone's choice (prefers-color-scheme) unless Réglages says otherwise. The CSS
// reads `color-scheme` (app.css: light-dark()), so one attribute switches every colour.
const KEY = 'cartable.theme';
const THEMES = ['auto', 'light', 'dark'];

export function currentTheme() {
  const stored = localStorage.getItem(KEY);
  return THEMES.includes(stored) ? stored : 'auto';
}

export function applyTheme(theme = currentTheme()) {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function setTheme(theme) {
  localStorage.setItem(KEY, THEMES.includes(theme) ? theme : 'auto');
  applyTheme();
}
