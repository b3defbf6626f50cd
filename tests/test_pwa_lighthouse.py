"""Lighthouse's accessibility score (issue #12: ≥ 95) on the app's main screens, with a paired parent's
data, in Debian's Chromium. Lighthouse (a devDependency, `npm ci`) drives a Chromium that Playwright
launched with a debugging port: the profile is paired there first, and Lighthouse keeps its storage.
Bounded: one run per screen, accessibility only, at most LIGHTHOUSE_TIMEOUT seconds each."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.fixtures.browser import CHROMIUM_ARGS, artifact, chromium_path
from tests.server import free_port
from tests.test_pwa_accessibility import family_with_everything
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# LIGHTHOUSE: another copy of the command line (e.g. a machine whose node_modules predate it).
LIGHTHOUSE = Path(os.environ.get("LIGHTHOUSE") or ROOT / "node_modules" / ".bin" / "lighthouse")
LIGHTHOUSE_TIMEOUT = 120
SCREENS = ("accueil", "devoirs", "notes", "messages")  # the main screens; each run takes ~7 s


async def lighthouse_accessibility(url: str, port: int, name: str) -> tuple[float, list[str]]:
    # Default (simulated) throttling: it only changes performance figures, not audited here, while
    # "provided" makes Lighthouse wait 5.25 s for a quiet network and again for an idle CPU per page.
    report = artifact(f"lighthouse/{name}.json")
    report.parent.mkdir(exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        str(LIGHTHOUSE), url, f"--port={port}", "--only-categories=accessibility", "--disable-storage-reset",
        "--form-factor=mobile", "--screenEmulation.mobile", "--output=json",
        f"--output-path={report}", "--quiet", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), LIGHTHOUSE_TIMEOUT)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode == 0, stderr.decode()[-2000:]
    result = json.loads(report.read_text())
    category = result["categories"]["accessibility"]
    failing = [ref["id"] for ref in category["auditRefs"]
               if ref["weight"] and (result["audits"][ref["id"]]["score"] or 0) < 1]  # fmt: skip
    return category["score"] * 100, failing


async def test_lighthouse_accessibility_is_at_least_95_on_the_main_screens(live_server, tmp_path):
    if chromium_path() is None or not LIGHTHOUSE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Lighthouse and Chromium must run under CI (npm ci; apt-get install chromium).")
        pytest.skip("No Lighthouse (npm ci) or no Chromium here.")
    from playwright.async_api import async_playwright

    family, _, _ = await family_with_everything()
    port = free_port()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=chromium_path(), headless=True, locale="fr-FR",
            args=[*CHROMIUM_ARGS, f"--remote-debugging-port={port}"], viewport={"width": 360, "height": 740},
        )  # fmt: skip
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
            child = "([p, c]) => localStorage.setItem(`cartable.child.${p}`, c)"
            await page.evaluate(child, [parent_id, str(family.student.id)])
            scores = {}
            for screen in SCREENS:
                scores[screen] = await lighthouse_accessibility(f"{live_server}/#/{screen}", port, f"pwa-{screen}")
        finally:
            await context.close()
    assert {screen: score for screen, score in scores.items() if score[0] < 95} == {}, scores
