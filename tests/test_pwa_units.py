"""Unit tests of the PWA's modules (API client, data layer, store, outbox, freshness), run in Chromium.

The modules are imported from the live server in a blank page of the app's origin, so they run with
the real IndexedDB and WebCrypto; `via`, the client's fetch, is a plain function standing in for the
network, so every answer (ETag, 304, 503 + Retry-After, no network) is under the test's control.
"""

from __future__ import annotations

import gzip

import pytest

from api.pwa_shell import WORKER, shell_files, worker_source

# Everything the service worker precaches (url → file); `just bench` prints its size too.
SHELL = shell_files()


def shell_gzip_sizes() -> dict[str, int]:
    """URL → gzipped size, as a server sends it, of each shell file and of the worker that precaches them
    (downloaded with the shell at install, and again at each update)."""
    sizes = {url: len(gzip.compress(path.read_bytes(), 9)) for url, path in SHELL.items()}
    sizes[f"/{WORKER}"] = len(gzip.compress(worker_source().encode(), 9))
    return sizes


def shell_gzip_bytes() -> int:
    return sum(shell_gzip_sizes().values())


def test_app_shell_fits_the_60_kb_gzip_budget():
    sizes = shell_gzip_sizes()
    assert "/service-worker.js" in sizes and "/js/app.js" in sizes
    assert 10_000 < sum(sizes.values()) <= 60 * 1024


@pytest.fixture
async def module_page(page, live_server):
    await page.goto(f"{live_server}/manifest.json")
    return page


async def run(page, body: str):
    """Run `body` (an async function body) in the page with the modules in scope, and `answer(status,
    body, headers)` to build fake responses."""
    return await page.evaluate(f"""async () => {{
        const client = await import('/js/api-client.js');
        const data = await import('/js/data.js');
        const store = await import('/js/store.js');
        const outbox = await import('/js/outbox.js');
        const freshness = await import('/js/freshness.js');
        const answer = (status, body = null, headers = {{}}) => new Response(
            body === null ? null : JSON.stringify(body), {{ status, headers }});
        {body}
    }}""")


@pytest.mark.browser
async def test_snapshots_are_encrypted_with_a_non_extractable_key_per_profile(module_page):
    result = await run(
        module_page,
        """
        await store.saveSnapshot('p1', 'homework:s1', { items: [{ html: 'SECRET-DEVOIR' }] });
        const back = await store.loadSnapshot('p1', 'homework:s1');
        const db = await store.db();
        const raw = await db.get('snapshots', 'p1|homework:s1');
        const rawText = new TextDecoder().decode(raw.data);
        const { key } = await db.get('keys', 'p1');
        let exported = true;
        try { await crypto.subtle.exportKey('raw', key); } catch { exported = false; }
        // Another profile's blob moved under p2 does not decrypt (the profile id is bound to it).
        await store.saveSnapshot('p2', 'x', 1);
        await db.put('snapshots', { ...raw, key: 'p2|homework:s1', profileId: 'p2' });
        const moved = await store.loadSnapshot('p2', 'homework:s1');
        return { back: back.value, fresh: Date.now() - back.savedAt < 60000, leaks: rawText.includes('SECRET-DEVOIR'),
                 extractable: key.extractable, exported, moved };
    """,
    )
    assert result == {
        "back": {"items": [{"html": "SECRET-DEVOIR"}]},
        "fresh": True,
        "leaks": False,
        "extractable": False,
        "exported": False,
        "moved": None,
    }


@pytest.mark.browser
async def test_wiping_a_profile_forgets_its_key_snapshots_and_outbox_only(module_page):
    result = await run(
        module_page,
        """
        await store.saveSnapshot('gone', 'home:s', { a: 1 });
        await outbox.enqueue('gone', { target: 'done:h1', method: 'PUT', path: '/x', body: {} });
        await store.saveSnapshot('kept', 'home:s', { b: 2 });
        await outbox.enqueue('kept', { target: 'done:h2', method: 'PUT', path: '/y', body: {} });
        await store.wipeProfile('gone');
        return { gone: await store.loadSnapshot('gone', 'home:s'), goneOutbox: (await outbox.pending('gone')).length,
                 hasData: await store.profileHasData('gone'),
                 kept: (await store.loadSnapshot('kept', 'home:s')).value, keptOutbox: (await outbox.pending('kept')).length };
    """,
    )
    assert result == {"gone": None, "goneOutbox": 0, "hasData": False, "kept": {"b": 2}, "keptOutbox": 1}


QUEUE_DONE = """
        const done = (profile, homework, value, at) => { const id = crypto.randomUUID();
          return outbox.enqueue(profile, { id, target: `done:${homework}`, method: 'PUT', path: `/api/students/s/homework/${homework}/done`,
            body: { done: value, change_id: id } }, at); };
        const sendVia = (via) => (entry) => client.request(entry.path, { method: entry.method, body: entry.body, via });
"""


@pytest.mark.browser
async def test_outbox_keeps_everything_while_offline_and_sends_each_change_once_in_order(module_page):
    result = await run(
        module_page,
        QUEUE_DONE
        + """
        await done('p', 'h1', true, 1000);
        await done('p', 'h2', true, 2000);
        await done('p', 'h1', false, 3000);  // later change of h1
        const offline = await outbox.flush('p', sendVia(async () => { throw new TypeError('Failed to fetch'); }));
        const afterOffline = await outbox.pending('p');
        const local = Object.fromEntries([...await outbox.pendingByTarget('p')].map(([t, b]) => [t, b.done]));
        const sent = [];
        // Two triggers at once (online event + start): one run, each entry sent once.
        const via = async (path, init) => { sent.push([path, JSON.parse(init.body)]); return answer(200, {}); };
        const [a, b] = await Promise.all([outbox.flush('p', sendVia(via)), outbox.flush('p', sendVia(via))]);
        return { offline, attempts: afterOffline.map((e) => e.attempts), local, a, same: a === b,
                 sent: sent.map(([path, body]) => [path, body.done, body.change_id.length]),
                 ids: new Set(sent.map(([, body]) => body.change_id)).size, left: (await outbox.pending('p')).length };
    """,
    )
    assert result["offline"] == {"sent": 0, "dropped": 0, "refused": [], "left": 3, "retryAfter": None}
    assert result["attempts"] == [1, 0, 0]  # stopped at the first failure, kept everything
    assert result["local"] == {"done:h1": False, "done:h2": True}  # the screen shows the latest local change
    assert result["a"] == {"sent": 3, "dropped": 0, "refused": [], "left": 0, "retryAfter": None} and result["same"]
    assert result["sent"] == [
        ["/api/students/s/homework/h1/done", True, 36],
        ["/api/students/s/homework/h2/done", True, 36],
        ["/api/students/s/homework/h1/done", False, 36],
    ]
    assert result["ids"] == 3 and result["left"] == 0


@pytest.mark.browser
async def test_outbox_keeps_writes_through_a_503_until_retry_after_and_drops_refusals(module_page):
    result = await run(
        module_page,
        QUEUE_DONE
        + """
        await done('p', 'refused', true, 1000);
        await done('p', 'later', true, 2000);
        const answers = [answer(404, { error: { code: 'not_found', message: 'Devoir introuvable.' } }),
                         answer(503, null, { 'Retry-After': '120' })];
        const first = await outbox.flush('p', sendVia(async () => answers.shift()));
        const kept = (await outbox.pending('p')).map((e) => e.target);
        const second = await outbox.flush('p', sendVia(async () => answer(204)));
        let revoked = null;
        await done('p', 'x', true, 3000);
        try { await outbox.flush('p', async () => { throw new client.ApiError(401, 'device_revoked', 'retiré'); }); }
        catch (error) { revoked = error.code; }
        return { first, kept, second, revoked, stillQueued: (await outbox.pending('p')).length };
    """,
    )
    assert result["first"] == {"sent": 0, "dropped": 1, "refused": [], "left": 1, "retryAfter": 120_000}
    assert result["kept"] == ["done:later"]
    assert result["second"] == {"sent": 1, "dropped": 0, "refused": [], "left": 0, "retryAfter": None}
    assert result["revoked"] == "device_revoked" and result["stillQueued"] == 1


@pytest.mark.browser
async def test_what_was_typed_is_kept_when_the_server_refuses_it_until_the_person_lets_it_go(module_page):
    result = await run(
        module_page,
        QUEUE_DONE
        + """
        await outbox.enqueue('p', { id: 'r1', target: 'reply:d1', method: 'POST', path: '/api/me/discussions/d1/messages',
                                    body: { body: 'Ma réponse', client_id: 'r1' }, keep: true });
        await outbox.enqueue('p', { id: 'n1', target: 'read:x', method: 'POST', path: '/x', body: {} });
        const closed = { error: { code: 'discussion_closed', message: 'Cette discussion a été close.' } };
        const flushed = await outbox.flush('p', sendVia(async (path) => (path === '/x' ? answer(404, { error: {} }) : answer(409, closed))));
        const kept = (await outbox.pending('p')).map((e) => [e.id, e.body.body ?? null, e.refused?.code ?? null]);
        const shown = [...(await outbox.pendingByTarget('p')).keys()];
        const again = await outbox.flush('p', sendVia(async () => { throw new Error('must not be sent again'); }));
        await outbox.forget('p', 'r1');
        return { refused: flushed.refused.map((r) => r.code), dropped: flushed.dropped, kept, shown, again,
                 left: (await outbox.pending('p')).length };
    """,
    )
    assert result["refused"] == ["discussion_closed"] and result["dropped"] == 1
    assert result["kept"] == [["r1", "Ma réponse", "discussion_closed"]]  # the typed text, and why
    assert result["shown"] == []  # no longer "waiting"
    assert result["again"]["sent"] == 0 and result["left"] == 0


@pytest.mark.browser
async def test_outbox_survives_a_reload(module_page):
    await run(
        module_page,
        "await outbox.enqueue('p', { target: 'done:h9', method: 'PUT', path: '/x', body: { done: true } });",
    )
    await module_page.reload()
    left = await run(module_page, "return (await outbox.pending('p')).map((e) => [e.target, e.body.done]);")
    assert left == [["done:h9", True]]


@pytest.mark.browser
async def test_api_client_turns_every_failure_into_a_french_api_error(module_page):
    result = await run(
        module_page,
        """
        const failure = async (via, options = {}) => {
          try { await client.request('/api/x', { via, ...options }); return 'no error'; }
          catch (e) { return { name: e.name, status: e.status, code: e.code, message: e.message, details: e.details,
                               retryAfter: e.retryAfter, offline: e.offline }; } };
        const refused = await failure(async () => answer(400, { error: { code: 'wrong_code',
          message: 'Code incorrect. Il vous reste 2 essais.', details: { attempts_left: 2 } } }));
        const network = await failure(async () => { throw new TypeError('Failed to fetch'); });
        const later = new Date(Date.now() + 90_000).toUTCString();
        const busy = await failure(async () => answer(503, null, { 'Retry-After': later }));
        const broken = await failure(async () => new Response('<html>proxy</html>', { status: 502 }));
        // CSRF: held by the client, sent on writes only.
        const seen = [];
        const spy = async (path, init) => { seen.push(new Headers(init.headers).get('X-CSRF-Token')); return answer(200, { ok: 1 }); };
        client.setCsrf('jeton');
        await client.api('/api/y', { via: (p, i) => client.sessionFetch(p, i).then(() => spy(p, i)) });
        const viaSession = [];
        const realFetch = window.fetch;
        window.fetch = async (path, init) => { viaSession.push([init.method, new Headers(init.headers).get('X-CSRF-Token'), init.credentials]); return answer(204); };
        try {
          await client.api('/api/y');
          const written = await client.api('/api/y', { method: 'POST', body: { a: 1 } });
          viaSession.push(written);
        } finally { window.fetch = realFetch; client.setCsrf(null); }
        return { refused, network, busy, broken, viaSession };
    """,
    )
    assert result["refused"] == {
        "name": "ApiError", "status": 400, "code": "wrong_code", "message": "Code incorrect. Il vous reste 2 essais.",
        "details": {"attempts_left": 2}, "retryAfter": None, "offline": False,
    }  # fmt: skip
    assert result["network"]["status"] == 0 and result["network"]["offline"] is True
    assert result["network"]["message"] == "Connexion impossible. Vérifiez le réseau puis réessayez."
    assert result["busy"]["offline"] is True and result["busy"]["code"] == "unavailable"
    assert result["busy"]["message"].startswith("Cartable est momentanément indisponible")
    assert 80_000 <= result["busy"]["retryAfter"] <= 90_000  # an HTTP date works as well as seconds
    assert result["broken"]["message"] == "Une erreur est survenue." and result["broken"]["offline"] is False
    assert result["viaSession"] == [["GET", None, "same-origin"], ["POST", "jeton", "same-origin"], None]


@pytest.mark.browser
async def test_api_client_resends_once_when_asked_and_hands_an_ended_session_to_the_page(module_page):
    result = await run(
        module_page,
        """
        let calls = 0;
        const lostOnce = async () => { calls += 1; if (calls === 1) throw new TypeError('Failed to fetch'); return answer(200, { ok: 1 }); };
        const resent = await client.api('/api/x', { method: 'POST', body: {}, via: lostOnce, retry: true });
        const sent = [calls];
        const failure = async (options) => {
          calls = 0;
          try { await client.api('/api/x', options); return 'no error'; } catch (e) { return [e.status, calls]; } };
        const notAsked = await failure({ via: lostOnce });
        const down = await failure({ retry: true, via: async () => { calls += 1; throw new TypeError('Failed to fetch'); } });
        const ended = [];
        client.onSessionEnded((error) => ended.push(error.code));
        const refusal = (code) => async () => answer(401, { error: { code, message: 'Refusé.' } });
        const refused = [];
        for (const [code, options] of [['session_expired', {}], ['not_authenticated', {}], ['not_authenticated', { signedOutOk: true }],
                                       ['wrong_credentials', {}], ['device_revoked', {}]]) {
          refused.push((await failure({ via: refusal(code), ...options }))[0]);
        }
        client.onSessionEnded(null);
        return { resent, sent, notAsked, down, ended, refused };
    """,
    )
    assert result["resent"] == {"ok": 1} and result["sent"] == [2]  # the lost answer asked once more
    assert result["notAsked"] == [0, 1] and result["down"] == [0, 2]  # never without `retry`, never twice
    # Only an ended session, and not where "nobody signed in" is the answer looked for (GET /api/session).
    assert result["ended"] == ["session_expired", "not_authenticated"]
    assert result["refused"] == [401] * 5  # thrown as any refusal, the page's hook aside


@pytest.mark.browser
async def test_data_layer_keeps_the_etag_and_a_304_keeps_the_snapshot(module_page):
    result = await run(
        module_page,
        """
        const sent = [];
        const server = [answer(200, { items: ['Exercice 1'] }, { ETag: '"v1"' }), answer(304),
                        answer(200, { items: ['Exercice 2'] })];
        const via = async (path, init) => { sent.push(new Headers(init.headers).get('If-None-Match')); return server.shift(); };
        const first = await data.revalidate('p', 'homework:s', '/api/h', via);
        await store.touchSnapshot('p', 'homework:s', 1000);  // as if saved long ago
        const second = await data.revalidate('p', 'homework:s', '/api/h', via);
        const kept = await store.loadSnapshot('p', 'homework:s');
        const third = await data.revalidate('p', 'homework:s', '/api/h', via);  // a server without ETag
        const afterPlain = await store.loadSnapshot('p', 'homework:s');
        // A change made on the phone drops the ETag: the next read downloads the server's state in full.
        await store.saveSnapshot('p', 'other', { n: 1 }, { etag: '"v9"' });
        await store.updateSnapshot('p', 'other', (value) => { value.n = 2; });
        const changed = await store.loadSnapshot('p', 'other');
        return { sent, first: [first.value, first.changed], second: [second.value, second.changed, Date.now() - second.savedAt < 60000],
                 kept: [kept.value, kept.etag, kept.savedAt === second.savedAt], third: [third.value, third.changed],
                 afterPlain: afterPlain.etag, changed: [changed.value, changed.etag] };
    """,
    )
    assert result["sent"] == [None, '"v1"', '"v1"']  # If-None-Match from the second read on
    assert result["first"] == [{"items": ["Exercice 1"]}, True]
    assert result["second"] == [{"items": ["Exercice 1"]}, False, True]  # 304: same data, "à jour" again
    assert result["kept"] == [{"items": ["Exercice 1"]}, '"v1"', True]
    assert result["third"] == [{"items": ["Exercice 2"]}, True]
    assert result["afterPlain"] is None  # no ETag from the server: plain GETs from then on
    assert result["changed"] == [{"n": 2}, None]


@pytest.mark.browser
async def test_a_screen_read_draws_the_snapshot_then_reports_an_unavailable_server(module_page):
    result = await run(
        module_page,
        """
        await store.saveSnapshot('p', 'home:s', { n: 1 }, { savedAt: 5000 });
        const drawn = [];
        const reports = [];
        const read = (name, via) => data.read({ profileId: 'p', name, path: '/api/home', via,
          draw: (value) => drawn.push(value), report: (r) => reports.push({ savedAt: r.savedAt, code: r.error?.code ?? null,
            retryAfter: r.error?.retryAfter ?? null, empty: Boolean(r.empty) }) });
        await read('home:s', async () => answer(503, { error: { code: 'unavailable', message: 'Maintenance.' } }, { 'Retry-After': '30' }));
        await read('never-seen', async () => { throw new TypeError('offline'); });
        let stale = false;
        await data.read({ profileId: 'p', name: 'home:s', path: '/api/home', isCurrent: () => !stale,
          via: async () => { stale = true; return answer(200, { n: 2 }); }, draw: (v) => drawn.push(v), report: () => reports.push('late') });
        return { drawn, reports };
    """,
    )
    assert result["drawn"] == [{"n": 1}, {"n": 1}]  # snapshots; never the fresh answer of a screen left behind
    assert result["reports"] == [
        {"savedAt": 5000, "code": None, "retryAfter": None, "empty": False},
        {"savedAt": 5000, "code": "unavailable", "retryAfter": 30_000, "empty": False},
        {"savedAt": None, "code": "offline", "retryAfter": None, "empty": True},
        "late",  # the snapshot of the third read, and nothing after the user moved on
    ]


@pytest.mark.browser
async def test_a_fresh_answer_equal_to_the_stored_copy_is_not_drawn_again(module_page):
    # A change shown at once from the stored copy (a post read, a homework done) then confirmed by the
    # server: a second drawing would only take the person's focus and half-filled form away.
    result = await run(
        module_page,
        """
        await store.saveSnapshot('p', 'infos', [{ id: 1, read: true }], { etag: '"old"' });
        const drawn = [];
        const read = (value) => data.read({ profileId: 'p', name: 'infos', path: '/api/me/information',
          via: async () => answer(200, value, { ETag: '"new"' }), draw: (v) => drawn.push(v), report: () => {} });
        await read([{ id: 1, read: true }]);
        await read([{ id: 1, read: true }, { id: 2, read: false }]);
        return drawn;
    """,
    )
    assert result == [
        [{"id": 1, "read": True}],
        [{"id": 1, "read": True}],
        [{"id": 1, "read": True}, {"id": 2, "read": False}],
    ]


@pytest.mark.browser
async def test_freshness_wording(module_page):
    result = await run(
        module_page,
        """
        const now = Date.parse('2026-11-23T12:00:00Z');
        const ago = (ms) => freshness.describeAge(now - ms, now);
        return [ago(10_000), ago(5 * 60_000), ago(3 * 3600_000 + 50_000), ago(2 * 86400_000), freshness.describeAge(null, now),
                freshness.freshnessText(now - 3 * 3600_000, { online: false, now }),
                freshness.freshnessText(now - 60_000, { online: true, error: { status: 0 }, now }),
                freshness.freshnessText(now - 60_000, { online: true, error: { status: 503 }, now }),
                freshness.freshnessText(now - 60_000, { online: true, error: { status: 500 }, now })];
    """,
    )
    assert result == [
        "Mis à jour à l'instant",
        "Mis à jour il y a 5 min",
        "Mis à jour il y a 3 h",
        "Mis à jour il y a 2 j",
        "Jamais mis à jour",
        "Hors ligne · Mis à jour il y a 3 h",
        "Connexion impossible · Mis à jour il y a 1 min",
        "Service indisponible · Mis à jour il y a 1 min",
        "Mise à jour impossible · Mis à jour il y a 1 min",
    ]


@pytest.mark.browser
async def test_a_shared_computer_profile_keeps_its_snapshots_and_outbox_in_the_page_only(module_page):
    result = await run(
        module_page,
        """
        store.keepInPage('shared');
        await store.saveSnapshot('shared', 'home:s', { n: 1 }, { etag: '"v1"' });
        await store.updateSnapshot('shared', 'home:s', (value) => { value.n = 2; });
        await outbox.enqueue('shared', { id: 'w1', target: 'done:h1', method: 'PUT', path: '/x', body: { done: true } });
        await store.saveSnapshot('phone', 'home:s', { n: 9 });
        const disk = await store.db();
        const onDisk = { snapshots: (await disk.getAll('snapshots')).map((row) => row.profileId),
                         keys: (await disk.getAll('keys')).map((row) => row.profileId),
                         outbox: (await disk.getAll('outbox')).length };
        const seen = { snapshot: (await store.loadSnapshot('shared', 'home:s')).value,
                       queued: (await outbox.pending('shared')).map((entry) => entry.body),
                       hasData: await store.profileHasData('shared') };
        const failed = await outbox.flush('shared', async () => { throw new client.ApiError(0, 'offline', 'x'); });
        const attempts = (await outbox.pending('shared'))[0].attempts;
        const sent = await outbox.flush('shared', async () => {});
        seen.flushes = [failed.left, attempts, sent.sent, sent.left];
        await outbox.enqueue('shared', { id: 'w2', target: 'done:h2', method: 'PUT', path: '/y', body: {} });
        await store.wipeProfile('shared');
        return { onDisk, seen, afterWipe: { snapshot: await store.loadSnapshot('shared', 'home:s'),
                 queued: (await outbox.pending('shared')).length, hasData: await store.profileHasData('shared') } };
    """,
    )
    assert result == {
        "onDisk": {"snapshots": ["phone"], "keys": ["phone"], "outbox": 0},
        "seen": {"snapshot": {"n": 2}, "queued": [{"done": True}], "hasData": True, "flushes": [1, 1, 1, 0]},
        "afterWipe": {"snapshot": None, "queued": 0, "hasData": False},
    }


@pytest.mark.browser
async def test_without_light_dark_the_app_keeps_readable_light_colours(page, live_server):
    """A browser without CSS light-dark() (Safari < 17.5) drops every declaration that uses it, and skips
    `@supports (color: light-dark(…))`: played here by renaming the function in the app's stylesheet."""
    await page.goto(f"{live_server}/#/ajouter-profil")
    # The title is in the shell; the screen (and its button) arrives with its lazily imported module.
    await page.wait_for_selector("#main .pairing-primary")
    colours = await page.evaluate("""async () => {
        const css = (await (await fetch('/css/app.css')).text()).replaceAll('light-dark(', 'no-such-function(');
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        for (const link of document.querySelectorAll('link[rel=stylesheet]')) link.disabled = true;
        document.adoptedStyleSheets = [sheet];
        const style = getComputedStyle(document.body);
        return { background: getComputedStyle(document.documentElement).backgroundColor, text: style.color,
                 button: getComputedStyle(document.querySelector('#main .pairing-primary')).backgroundColor };
    }""")
    assert colours == {"background": "rgb(243, 245, 248)", "text": "rgb(27, 31, 36)", "button": "rgb(29, 78, 137)"}
