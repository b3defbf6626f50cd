// "Ajouter un profil": scan the desktop's QR code (or paste / open the link), then type the code.
import { el } from '../dom.js';
import { parsePairingLink } from '../pairing-link.js';

// Answers after which this QR code can never pair: back to the start, saying why.
const QR_FINISHED = new Set(['pairing_not_found', 'pairing_used', 'pairing_replaced', 'pairing_dead', 'pairing_expired', 'invalid_link']);
const NOT_A_LINK = "Ce lien n'est pas un lien d'accès à l'espace mobile de Cartable.";

function guessDeviceName() {
  const agent = navigator.userAgent;
  if (/iPhone/.test(agent)) return 'iPhone';
  if (/iPad/.test(agent)) return 'iPad';
  if (/Android/.test(agent)) return 'Téléphone Android';
  return 'Téléphone';
}

export function render(ctx) {
  let stopScan = null;
  const status = el('p', { class: 'pairing-error', role: 'alert' });
  const body = el('div', { class: 'pairing-body' });
  ctx.main.append(el('section', { class: 'pairing-screen', 'aria-labelledby': 'pairing-title' },
    el('h2', { id: 'pairing-title', tabindex: '-1', text: 'Associer ce téléphone à votre compte' }), body, status));

  const say = (message) => { status.textContent = message || ''; };
  const stopCamera = () => { stopScan?.(); stopScan = null; };
  window.addEventListener('hashchange', stopCamera, { once: true }); // the camera never outlives the screen

  // The start: scan a QR code or paste its link. After a QR code died, `message` says why.
  function showStart(message = '') {
    stopCamera();
    const pasteInput = el('input', { id: 'pairing-link', type: 'url', inputmode: 'url', autocomplete: 'off',
      spellcheck: 'false', placeholder: 'https://…' });
    const camera = el('div', { class: 'pairing-camera' });
    const scanButton = el('button', { type: 'button', class: 'pairing-primary', onclick: startCamera,
      text: message ? 'Scanner un nouveau QR code' : 'Scanner le QR code' });
    async function startCamera() {
      say('');
      scanButton.disabled = true;
      const { startScan, cameraAvailable } = await import('../scan.js');
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
    const pasteForm = el('form', { class: 'pairing-form', onsubmit: (event) => {
      event.preventDefault();
      if (!parsePairingLink(pasteInput.value)) {
        say(NOT_A_LINK);
        pasteInput.focus();
        return;
      }
      showCode(pasteInput.value);
    } },
    el('label', { for: 'pairing-link', text: "Ou collez le lien d'accès à l'espace mobile" }),
    pasteInput,
    el('button', { type: 'submit', text: 'Continuer' }));
    body.replaceChildren(
      el('p', { class: 'pairing-help desktop-only' }, 'Pour consulter Cartable sur cet ordinateur, sans QR code : ',
        el('a', { href: '/espace/', text: 'connectez-vous à votre espace' }),
        ' puis choisissez « Ouvrir sur cet ordinateur » sur la vignette Cartable.'),
      el('p', { class: 'pairing-help' }, 'Sur un ordinateur, connectez-vous à votre espace Cartable, ouvrez ',
        el('strong', { text: 'Application mobile' }), ' et composez un code de 4 caractères : un QR code apparaît.'),
      scanButton, camera, pasteForm);
    say(message);
    if (message) scanButton.focus();
  }

  function showCode(linkText) {
    stopCamera();
    const codeInput = el('input', { id: 'pairing-code', name: 'code', required: true, maxlength: '4', minlength: '4',
      autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', pattern: '[A-Za-z0-9]{4}',
      title: '4 lettres ou chiffres', // the pattern's French message (date-field.js) names it
      class: 'pairing-code', 'aria-describedby': 'pairing-code-help' });
    const nameInput = el('input', { id: 'pairing-device-name', name: 'device', maxlength: '80', value: guessDeviceName() });
    const submit = el('button', { type: 'submit', class: 'pairing-primary', text: 'Ajouter le profil' });
    const form = el('form', { class: 'pairing-form', onsubmit: async (event) => {
      event.preventDefault();
      say('');
      submit.disabled = true;
      submit.textContent = 'Ajout en cours…';
      try {
        await ctx.addProfile(linkText, codeInput.value, nameInput.value.trim());
      } catch (error) {
        submit.disabled = false;
        submit.textContent = 'Ajouter le profil';
        // The 5th wrong code kills the QR code: the form closes then, not at a 6th try.
        const finished = QR_FINISHED.has(error.code) || (error.code === 'wrong_code' && error.details?.attempts_left === 0);
        if (finished) { showStart(error.message); return; }
        say(error.message);
        codeInput.select();
        codeInput.focus();
      }
    } },
    el('label', { for: 'pairing-code', text: 'Code à 4 caractères' }),
    el('p', { id: 'pairing-code-help', class: 'pairing-help',
      text: "C'est le code que vous avez composé sur l'ordinateur avant d'afficher le QR code." }),
    codeInput,
    el('label', { for: 'pairing-device-name', text: 'Nom de cet appareil' }),
    nameInput,
    submit,
    el('button', { type: 'button', class: 'pairing-link-button', onclick: () => showStart(), text: 'Utiliser un autre QR code' }));
    body.replaceChildren(el('p', { class: 'pairing-ok', text: 'QR code reconnu.' }), form);
    codeInput.focus();
  }

  if (parsePairingLink(ctx.link)) {
    // Keep the secret out of the address bar and history once read (it stays in this closure).
    history.replaceState(history.state, '', `${location.pathname}#/ajouter-profil`);
    showCode(ctx.link);
  } else {
    showStart();
  }
}
