"""Unit tests of the PWA's offline logic (store.js, outbox.js, freshness.js), run in Chromium.

The modules are imported from the live server in a blank page of the app's origin, so they run with
the real IndexedDB and WebCrypto; `send` is a plain function standing in for the network.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a phone downloads before the first screen (the QR decoder and pairing screens load lazily).
SHELL = [
    "pwa/index.html",
    "pwa/css/app.css",
    "pwa/css/pairing.css",
    "pwa/js/app.js",
    "pwa/js/ui.js",
    "pwa/js/store.js",
    "pwa/js/outbox.js",
    "pwa/js/freshness.js",
    "pwa/js/device.js",
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pwa/js/screens").glob("*.js")),
    "node_modules/idb/build/index.js",
]


def shell_gzip_bytes() -> int:
    return sum(len(gzip.compress((ROOT / name).read_bytes(), 9)) for name in SHELL if (ROOT / name).exists())


def test_app_shell_fits_the_60_kb_gzip_budget():
    assert 10_000 < shell_gzip_bytes() <= 60 * 1024


@pytest.fixture
async def module_page(page, live_server):
    await page.goto(f"{live_server}/manifest.json")
    return page


async def run(page, body: str):
    """Run `body` (an async function body with store, outbox, freshness in scope) in the page."""
    return await page.evaluate(f"""async () => {{
        const store = await import('/js/store.js');
        const outbox = await import('/js/outbox.js');
        const freshness = await import('/js/freshness.js');
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
        await outbox.queueDone('gone', 's', 'h1', true);
        await store.saveSnapshot('kept', 'home:s', { b: 2 });
        await outbox.queueDone('kept', 's', 'h2', true);
        await store.wipeProfile('gone');
        return { gone: await store.loadSnapshot('gone', 'home:s'), goneOutbox: (await outbox.pending('gone')).length,
                 hasData: await store.profileHasData('gone'),
                 kept: (await store.loadSnapshot('kept', 'home:s')).value, keptOutbox: (await outbox.pending('kept')).length };
    """,
    )
    assert result == {"gone": None, "goneOutbox": 0, "hasData": False, "kept": {"b": 2}, "keptOutbox": 1}


@pytest.mark.browser
async def test_outbox_keeps_everything_while_offline_and_sends_each_change_once_in_order(module_page):
    result = await run(
        module_page,
        """
        const t0 = new Date('2026-11-23T08:00:00Z');
        await outbox.queueDone('p', 's', 'h1', true, t0);
        await outbox.queueDone('p', 's', 'h2', true, new Date(t0.getTime() + 1000));
        await outbox.queueDone('p', 's', 'h1', false, new Date(t0.getTime() + 2000));  // later change of h1
        const offline = await outbox.flush('p', async () => { throw new TypeError('Failed to fetch'); });
        const afterOffline = await outbox.pending('p');
        const local = Object.fromEntries(await outbox.pendingDone('p'));
        const sent = [];
        // Two triggers at once (online event + start): one run, each entry sent once.
        const send = async (path, init) => { sent.push([path, JSON.parse(init.body)]); return new Response('{}', { status: 200 }); };
        const [a, b] = await Promise.all([outbox.flush('p', send), outbox.flush('p', send)]);
        return { offline, attempts: afterOffline.map((e) => e.attempts), local, a, same: a === b || JSON.stringify(a) === JSON.stringify(b),
                 sent: sent.map(([path, body]) => [path, body.done, body.change_id.length]),
                 ids: new Set(sent.map(([, body]) => body.change_id)).size, left: (await outbox.pending('p')).length };
    """,
    )
    assert result["offline"] == {"sent": 0, "dropped": 0, "left": 3}
    assert result["attempts"] == [1, 0, 0]  # stopped at the first failure, kept everything
    assert result["local"] == {"h1": False, "h2": True}  # the screen shows the latest local change
    assert result["a"] == {"sent": 3, "dropped": 0, "left": 0} and result["same"]
    assert result["sent"] == [
        ["/api/students/s/homework/h1/done", True, 36],
        ["/api/students/s/homework/h2/done", True, 36],
        ["/api/students/s/homework/h1/done", False, 36],
    ]
    assert result["ids"] == 3 and result["left"] == 0


@pytest.mark.browser
async def test_outbox_retries_server_errors_and_drops_refusals(module_page):
    result = await run(
        module_page,
        """
        await outbox.queueDone('p', 's', 'refused', true, new Date(1000));
        await outbox.queueDone('p', 's', 'later', true, new Date(2000));
        const statuses = [404, 503];
        const first = await outbox.flush('p', async () => new Response('{}', { status: statuses.shift() }));
        const kept = (await outbox.pending('p')).map((e) => e.target);
        const second = await outbox.flush('p', async () => new Response('{}', { status: 200 }));
        let revoked = null;
        await outbox.queueDone('p', 's', 'x', true);
        try { await outbox.flush('p', async () => { throw Object.assign(new Error('retiré'), { code: 'device_revoked' }); }); }
        catch (error) { revoked = error.code; }
        return { first, kept, second, revoked };
    """,
    )
    assert result["first"] == {"sent": 0, "dropped": 1, "left": 1}
    assert result["kept"] == ["done:s:later"]
    assert result["second"] == {"sent": 1, "dropped": 0, "left": 0}
    assert result["revoked"] == "device_revoked"


@pytest.mark.browser
async def test_outbox_survives_a_reload(module_page):
    await run(module_page, "await outbox.queueDone('p', 's', 'h9', true);")
    await module_page.reload()
    left = await run(module_page, "return (await outbox.pending('p')).map((e) => [e.target, e.body.done]);")
    assert left == [["done:s:h9", True]]


@pytest.mark.browser
async def test_freshness_wording(module_page):
    result = await run(
        module_page,
        """
        const now = Date.parse('2026-11-23T12:00:00Z');
        const ago = (ms) => freshness.describeAge(now - ms, now);
        return [ago(10_000), ago(5 * 60_000), ago(3 * 3600_000 + 50_000), ago(2 * 86400_000), freshness.describeAge(null, now),
                freshness.freshnessText(now - 3 * 3600_000, { online: false, now }),
                freshness.freshnessText(now - 60_000, { online: true, failed: true, now })];
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
    ]
