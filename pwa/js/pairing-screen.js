// "Ajouter un profil": scan the desktop's QR code (or paste / open the link), then type the code.
import { claimPairing, parsePairingLink } from './device.js';

const FATAL = new Set(['pairing_not_found', 'pairing_used', 'pairing_replaced', 'pairing_dead', 'pairing_expired', 'invalid_link']);

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'className') element.className = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value != null) element.setAttribute(name, value);
  }
  element.append(...children.filter((child) => child != null));
  return element;
}

function guessDeviceName() {
  const agent = navigator.userAgent;
  if (/iPhone/.test(agent)) return 'iPhone';
  if (/iPad/.test(agent)) return 'iPad';
  if (/Android/.test(agent)) return 'Téléphone Android';
  return 'Téléphone';
}

export function renderAddProfile(container, { link = null, onDone } = {}) {
  let stopScan = null;
  const status = h('p', { className: 'pairing-error', role: 'alert', 'aria-live': 'assertive' });
  const screen = h('section', { className: 'pairing-screen', 'aria-labelledby': 'pairing-title' },
    h('h2', { id: 'pairing-title', tabindex: '-1' }, 'Associer ce téléphone à votre compte'));
  const body = h('div', { className: 'pairing-body' });
  screen.append(body, status);
  container.replaceChildren(screen);

  const say = (message) => { status.textContent = message || ''; };
  const stopCamera = () => { stopScan?.(); stopScan = null; };

  function showStart(message = '') {
    stopCamera();
    const pasteInput = h('input', { id: 'pairing-link', type: 'url', inputmode: 'url', autocomplete: 'off',
      spellcheck: 'false', placeholder: 'https://…' });
    const camera = h('div', { className: 'pairing-camera' });
    const scanButton = h('button', { type: 'button', className: 'pairing-primary', onClick: startCamera },
      'Scanner le QR code');
    async function startCamera() {
      say('');
      scanButton.disabled = true;
      const { startScan, cameraAvailable } = await import('./scan.js');
      if (!cameraAvailable()) {
        say("La caméra n'est pas disponible. Collez le lien d'accès à la place.");
        scanButton.disabled = false;
        return;
      }
      stopScan = await startScan(camera, {
        onResult: (text) => { stopScan = null; showCode(text); },
        onError: (text) => { say(text); scanButton.disabled = false; },
      });
    }
    const pasteForm = h('form', { className: 'pairing-form', onSubmit: (event) => {
      event.preventDefault();
      if (!parsePairingLink(pasteInput.value)) {
        say("Ce lien n'est pas un lien d'accès à l'espace mobile de Cartable.");
        pasteInput.focus();
        return;
      }
      showCode(pasteInput.value);
    } },
      h('label', { for: 'pairing-link' }, "Ou collez le lien d'accès à l'espace mobile"),
      pasteInput,
      h('button', { type: 'submit' }, 'Continuer'));
    body.replaceChildren(
      h('p', { className: 'pairing-help' }, 'Sur un ordinateur, connectez-vous à votre espace Cartable, ouvrez ',
        h('strong', {}, 'Application mobile'), ' et composez un code de 4 caractères : un QR code apparaît.'),
      scanButton, camera, pasteForm);
    say(message);
  }

  function showCode(linkText) {
    stopCamera();
    const codeInput = h('input', { id: 'pairing-code', name: 'code', required: true, maxlength: '4', minlength: '4',
      autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', pattern: '[A-Za-z0-9]{4}',
      className: 'pairing-code', 'aria-describedby': 'pairing-code-help' });
    const nameInput = h('input', { id: 'pairing-device-name', name: 'device', maxlength: '80', value: guessDeviceName() });
    const submit = h('button', { type: 'submit', className: 'pairing-primary' }, 'Ajouter le profil');
    const form = h('form', { className: 'pairing-form', onSubmit: async (event) => {
      event.preventDefault();
      say('');
      submit.disabled = true;
      submit.textContent = 'Ajout en cours…';
      try {
        const profile = await claimPairing(linkText, codeInput.value, nameInput.value.trim());
        onDone?.(profile);
      } catch (error) {
        submit.disabled = false;
        submit.textContent = 'Ajouter le profil';
        if (FATAL.has(error.code)) { showStart(error.message); return; }
        say(error.message);
        codeInput.select();
        codeInput.focus();
      }
    } },
      h('label', { for: 'pairing-code' }, 'Code à 4 caractères'),
      h('p', { id: 'pairing-code-help', className: 'pairing-help' },
        "C'est le code que vous avez composé sur l'ordinateur avant d'afficher le QR code."),
      codeInput,
      h('label', { for: 'pairing-device-name' }, 'Nom de cet appareil'),
      nameInput,
      submit,
      h('button', { type: 'button', className: 'pairing-link-button', onClick: () => showStart() }, 'Utiliser un autre QR code'));
    body.replaceChildren(h('p', { className: 'pairing-ok' }, 'QR code reconnu.'), form);
    codeInput.focus();
  }

  if (link && parsePairingLink(link)) {
    // Keep the secret out of the address bar and history once read (it stays in this closure).
    if (link === location.href) history.replaceState(history.state, '', `${location.pathname}#/ajouter-profil`);
    showCode(link);
  }
  else showStart();
  return () => stopCamera();
}
