// Camera QR scanning for "Ajouter un profil": BarcodeDetector where the browser has it, jsQR elsewhere
// (loaded only when this screen needs it). Returns a stop() function.
import { el } from './dom.js';
import { parsePairingLink } from './pairing-link.js';

let jsqrLoading = null;

function loadJsQR() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  jsqrLoading ??= new Promise((resolve, reject) => {
    document.head.append(el('script', { src: '/vendor/jsqr/jsQR.js', onload: () => resolve(window.jsQR),
      onerror: () => reject(new Error('jsQR indisponible')) }));
  });
  return jsqrLoading;
}

async function makeDetector() {
  if ('BarcodeDetector' in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        return async (video) => (await detector.detect(video)).map((code) => code.rawValue);
      }
    } catch { /* fall back to jsQR */ }
  }
  const jsQR = await loadJsQR();
  const canvas = el('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    if (!canvas.width) return [];
    context.drawImage(video, 0, 0);
    const found = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height,
      { inversionAttempts: 'dontInvert' });
    return found ? [found.data] : [];
  };
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices?.getUserMedia);
}

/** Show the camera in `container`; calls onResult(link) once a Cartable pairing QR is seen. */
export async function startScan(container, { onResult, onError }) {
  let stopped = false;
  let stream = null;
  const video = el('video', { class: 'pairing-video', playsinline: true, muted: true, 'aria-label': 'Image de la caméra' });
  const stop = () => {
    stopped = true;
    stream?.getTracks().forEach((track) => track.stop());
    video.remove();
  };
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    video.srcObject = stream;
    container.append(video);
    await video.play();
    const detect = await makeDetector();
    const tick = async () => {
      if (stopped) return;
      try {
        const link = (await detect(video)).find((value) => parsePairingLink(value));
        if (link) { stop(); onResult(link); return; }
      } catch { /* a frame that cannot be read: try the next one */ }
      setTimeout(tick, 200);
    };
    tick();
  } catch (error) {
    stop();
    onError?.(error?.name === 'NotAllowedError'
      ? "L'accès à la caméra a été refusé. Collez le lien d'accès à la place."
      : "La caméra n'est pas disponible. Collez le lien d'accès à la place.");
  }
  return stop;
}
