// The one way the phone app and the espace talk to the API.
// - Errors: every 4xx/5xx body is {"error": {"code", "message", "details"}}; it becomes an ApiError
//   whose French `message` is shown to people as is, and whose `code` programs test.
// - "Offline": no answer (network down) and 503 (the server is shedding load or restarting) mean the
//   same thing to callers: keep local data and queued writes, show what is cached, try again later
//   (`retryAfter`, from the Retry-After header, says when).
// - Who is asking: `via`, a fetch-like function. The default is the espace's cookie session, with the
//   CSRF token on writes (held here, and only here); a phone profile passes its DPoP-signed fetch
//   (device.js, built on dpop.js).
// - Conditional GETs: `etag` sends If-None-Match; a 304 comes back as a Response like a 200.
// - A lost answer: `retry` sends the request once more when nothing answered (status 0), for requests
//   the server recognises when they come twice (a client id, a refresh token's grace window).
// - An ended espace session (401 `not_authenticated` / `session_expired`): the page's onSessionEnded
//   handler runs (the espace goes back to sign-in), then the ApiError is thrown as any other.

const GENERIC = 'Une erreur est survenue.';
const OFFLINE = 'Connexion impossible. Vérifiez le réseau puis réessayez.';
const UNAVAILABLE = 'Cartable est momentanément indisponible. Réessayez dans quelques instants.';
const SESSION_ENDED = new Set(['not_authenticated', 'session_expired']);

export class ApiError extends Error {
  constructor(status, code, message, { details = null, retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0: no answer at all
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter; // milliseconds, or null
  }

  /** No usable answer from the application: keep what is stored and retry later. */
  get offline() {
    return this.status === 0 || this.status === 503;
  }

  /** The espace session has ended, or there is none: sign in again. */
  get sessionEnded() {
    return this.status === 401 && SESSION_ENDED.has(this.code);
  }
}

/** Retry-After (delay in seconds, or an HTTP date) in milliseconds; null when absent or unreadable. */
export function retryAfterMs(value, now = Date.now()) {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The ApiError a non-2xx Response stands for (the Response itself stays readable). */
export async function errorFrom(response) {
  const body = await response.clone().json().catch(() => null);
  const unavailable = response.status === 503;
  return new ApiError(
    response.status,
    body?.error?.code || (unavailable ? 'unavailable' : 'error'),
    body?.error?.message || (unavailable ? UNAVAILABLE : GENERIC),
    { details: body?.error?.details ?? null, retryAfter: retryAfterMs(response.headers.get('Retry-After')) },
  );
}

// ---- the espace's cookie session ----
let csrfToken = null;
let sessionEndedHandler = null;

/** Remember the session's CSRF token (from GET /api/session or the sign-in answer). */
export function setCsrf(token) {
  csrfToken = token || null;
}

/**
 * What this page does when a request finds the espace session ended (the espace and a shared computer's
 * tab: back to sign-in). Requests made with `signedOutOk` (asking whether anyone is signed in) never run it.
 */
export function onSessionEnded(handler) {
  sessionEndedHandler = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function sessionFetch(path, init = {}) {
  const headers = new Headers(init.headers);
  if (csrfToken && !SAFE_METHODS.has((init.method || 'GET').toUpperCase())) headers.set('X-CSRF-Token', csrfToken);
  return fetch(path, { ...init, headers, credentials: 'same-origin' });
}

// ---- requests ----

/**
 * Send one request. Resolves with the Response when it is 2xx or 304; throws ApiError otherwise,
 * status 0 when nothing answered. `body` is sent as JSON, `form` (FormData) as multipart; `retry`: sent
 * once more when nothing answered; `signedOutOk`: a 401 is an answer here, not an ended session.
 */
export async function request(path, {
  method = 'GET', body, form, headers, etag, keepalive, via = sessionFetch, retry = false, signedOutOk = false,
} = {}) {
  const init = { method, headers: new Headers(headers), keepalive };
  if (!init.headers.has('Accept')) init.headers.set('Accept', 'application/json');
  if (body !== undefined) {
    init.headers.set('Content-Type', 'application/json');
    init.body = JSON.stringify(body);
  } else if (form) {
    init.body = form;
  }
  if (etag) init.headers.set('If-None-Match', etag);
  let response;
  for (let attempt = 0; !response; attempt += 1) {
    try {
      response = await via(path, init);
    } catch (error) {
      // fetch fails with a TypeError when nothing answers; anything else is a bug to surface as is.
      if (!(error instanceof TypeError)) throw error;
      if (!retry || attempt > 0) throw new ApiError(0, 'offline', OFFLINE);
    }
  }
  if (response.ok || response.status === 304) return response;
  const error = await errorFrom(response);
  if (error.sessionEnded && !signedOutOk) sessionEndedHandler?.(error);
  throw error;
}

/** The JSON answer of a request (null when there is no body). */
export async function api(path, options) {
  const text = await (await request(path, options)).text();
  return text ? JSON.parse(text) : null;
}
