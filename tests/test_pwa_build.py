"""The PWA is served minified (issue #12's 60 KB budget), file by file, from a mirror of pwa/."""

from __future__ import annotations

import gzip
import shutil

from api.pwa_build import PWA_DIR, build, served_directories


def test_every_file_of_the_pwa_is_served_from_the_mirror_and_scripts_are_smaller():
    mirror = served_directories()["/"]
    sources = sorted(p.relative_to(PWA_DIR) for p in PWA_DIR.rglob("*") if p.is_file())
    assert sorted(p.relative_to(mirror) for p in mirror.rglob("*") if p.is_file()) == sources
    for relative in ("js/router.js", "js/screens/homework.js", "css/app.css"):
        source, served = (PWA_DIR / relative).read_bytes(), (mirror / relative).read_bytes()
        assert len(gzip.compress(served, 9)) < 0.85 * len(gzip.compress(source, 9)), relative
    # The worker template is copied as it is: api/pwa_shell.py fills its lines by pattern.
    assert (mirror / "service-worker.js").read_bytes() == (PWA_DIR / "service-worker.js").read_bytes()


async def test_the_app_serves_the_minified_module_with_its_exports(client):
    response = await client.get("/js/format.js")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    source = (PWA_DIR / "js" / "format.js").read_text()
    assert len(response.text) < len(source) and "//" not in response.text.replace("://", "")
    for name in ("isoDay", "addDays", "formatDay", "hhmm"):  # what other modules import from it
        assert f"export const {name} =" in source and name in response.text


def test_the_mirror_is_reused_while_sources_are_unchanged_and_rebuilt_when_one_changes(tmp_path):
    sources = tmp_path / "pwa"
    shutil.copytree(PWA_DIR / "js", sources / "js")
    first = build({"/": sources}, tmp_path / "build")["/"]
    assert build({"/": sources}, tmp_path / "build")["/"] == first
    (sources / "js" / "format.js").write_text("// changed\nexport const answer = 42;\n")
    second = build({"/": sources}, tmp_path / "build")["/"]
    assert second != first and (second / "js" / "format.js").read_text().strip() == "export const answer=42;"
