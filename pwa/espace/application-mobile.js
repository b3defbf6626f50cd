// "Application mobile": compose an ephemeral code, show the pairing QR with its 10-minute countdown,
// watch it being used, and list / revoke the linked devices (docs/pairing.md).
import { api, el, homeFor, say, session, toSignIn } from './espace.js';
import { openHereForm } from './open-here.js';
import { count, formatDateTime } from '/js/format.js';

const $ = (id) => document.getElementById(id);
const ROLE_LABELS = { student: 'Élève', parent: 'Responsable légal' };
const STATE_TEXT = {
  dead: 'Trop de codes erronés : ce QR code n\'est plus valable. Générez-en un nouveau.',
  superseded: 'Un QR code plus récent a été généré : ce QR code n\'est plus valable.',
  expired: 'Ce QR code a expiré. Générez-en un nouveau.',
};
let current = null; // {id, deadline}
let timer = null;
let poller = null;

function stopWatching() {
  clearInterval(timer);
  clearInterval(poller);
  timer = poller = null;
}

function endQr(message) {
  stopWatching();
  $('qr-block').classList.add('am-dead');
  $('countdown').textContent = '';
  say($('pairing-state'), message);
  $('pairing-state').hidden = false;
}

function tick() {
  const left = Math.max(0, Math.round((current.deadline - Date.now()) / 1000));
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  $('countdown').textContent = `Valable encore ${minutes} min ${seconds} s`;
  if (left === 0) endQr(STATE_TEXT.expired);
}

async function poll() {
  if (!current) return;
  try {
    const state = await api(`/api/pairing/pairings/${current.id}`);
    if (state.status === 'used') {
      endQr(`Appareil ajouté : ${state.device_name}`);
      $('pairing-state').classList.remove('error');
      await loadDevices();
    } else if (STATE_TEXT[state.status]) {
      endQr(STATE_TEXT[state.status]);
      $('pairing-state').classList.add('error');
    } else if (state.attempts_left < 5) {
      say($('pairing-state'), `Code erroné saisi sur le téléphone : ${count(state.attempts_left, 'essai restant', 'essais restants')}.`);
    }
  } catch { /* checked again in 2 s; an ended session has gone to sign-in (onSessionEnded) */ }
}

function showQr(created) {
  stopWatching();
  current = { id: created.id, deadline: Date.now() + created.expires_in * 1000 };
  // The SVG comes from our own server (segno), never from a third party.
  const svg = el('template', { html: created.qr_svg }).content.querySelector('svg');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code de configuration de l\'application mobile');
  $('qr').replaceChildren(svg);
  $('link').href = created.link;
  $('link').textContent = created.link;
  $('link-box').hidden = true;
  $('show-link').setAttribute('aria-expanded', 'false');
  $('qr-block').classList.remove('am-dead');
  $('pairing-state').classList.remove('error');
  say($('pairing-state'), 'En attente du téléphone…');
  $('qr-block').hidden = false;
  tick();
  timer = setInterval(tick, 1000);
  poller = setInterval(poll, 2000);
}

function deviceRow(device) {
  const revoke = el('button', { type: 'button', class: 'secondary', text: 'Révoquer', 'aria-label': `Révoquer ${device.name}` });
  revoke.addEventListener('click', async () => {
    if (!window.confirm(`Révoquer « ${device.name} » ? Ce téléphone n'aura plus accès à votre profil.`)) return;
    revoke.disabled = true;
    try {
      await api(`/api/pairing/devices/${device.id}`, { method: 'DELETE' });
      say($('devices-status'), `« ${device.name} » a été révoqué.`);
      await loadDevices();
    } catch (error) {
      revoke.disabled = false;
      say($('devices-status'), error.message);
    }
  });
  return el('tr', {}, [device.name, device.profile, formatDateTime(device.created_at), formatDateTime(device.last_seen_at)]
    .map((text) => el('td', { text })), el('td', {}, revoke));
}

async function loadDevices() {
  const devices = await api('/api/pairing/devices');
  $('devices').replaceChildren(...devices.map(deviceRow));
  $('devices-table').hidden = devices.length === 0;
  $('devices-empty').hidden = devices.length > 0;
}

async function start() {
  const me = await session();
  if (!me) { toSignIn(); return; }
  if (me.first_login_pending) { location.replace(homeFor(me)); return; }
  const { user } = me;
  $('school').textContent = user.school_name || 'Cartable';
  $('who').textContent = `${user.first_name} ${user.last_name} (${ROLE_LABELS[user.role] || user.role})`;
  if (!ROLE_LABELS[user.role]) {
    $('not-family').hidden = false;
    $('code-form').hidden = true;
    return;
  }
  $('here').append(openHereForm(user, { prefix: 'here' }));
  $('here').hidden = false;
  $('code-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = event.target.querySelector('button[type=submit]');
    say($('error'), '');
    button.disabled = true;
    try {
      showQr(await api('/api/pairing/pairings', { method: 'POST', body: { code: $('code').value.trim() } }));
      // Never leave the code on screen next to its QR: a photo of both would be enough to pair.
      $('code').value = '';
      $('qr').scrollIntoView?.({ block: 'nearest' });
    } catch (error) {
      say($('error'), error.message);
      $('code').focus();
    } finally {
      button.disabled = false;
    }
  });
  $('code-form').querySelector('button[type=submit]').disabled = false;
  $('show-link').addEventListener('click', () => {
    const open = $('link-box').hidden;
    $('link-box').hidden = !open;
    $('show-link').setAttribute('aria-expanded', String(open));
  });
  $('new-qr').addEventListener('click', () => {
    stopWatching();
    current = null;
    $('qr-block').hidden = true;
    $('code').value = '';
    $('code').focus();
  });
  await loadDevices();
}

start();
