"""The PWA's service worker, served with the shell's file list and a version derived from their content.

Browsers install a new worker only when its bytes change. With a hand-kept version, a shell file
changed without a bump never reached installed phones; here the worker names a hash of every shell
file, so any change to the shell is a new worker. The shell is derived too: every file of the app
(`pwa/` but the desktop espace and the worker itself) and the vendor modules it imports statically
(jsQR, loaded on demand by the scanner, joins the cache when used), as served: minified
(api/pwa_build.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from litestar import Response, get

from api.pwa_build import served_directories

WORKER = "service-worker.js"
# The desktop web space is not part of the phone app; nor is what only a browser opened from it on a
# shared computer needs (loaded online when used, never precached: the phone's shell stays small).
ONLINE_ONLY = ("espace/", "desktop/")
VENDOR_IMPORT = re.compile(r"""\bfrom\s*['"](/vendor/[^'"]+)['"]""")


def _vendor_file(url: str) -> Path:
    for prefix, directory in served_directories().items():
        if prefix != "/" and url.startswith(prefix + "/"):
            return directory / url[len(prefix) + 1 :]
    raise LookupError(f"{url} is not served by any vendor directory")


def shell_files(pwa_dir: Path | None = None) -> dict[str, Path]:
    """URL → file (as served: minified) for everything the worker precaches, sorted by URL."""
    pwa_dir = pwa_dir or served_directories()["/"]
    files: dict[str, Path] = {}
    for path in pwa_dir.rglob("*"):
        relative = path.relative_to(pwa_dir).as_posix()
        if path.is_file() and relative != WORKER and not relative.startswith(ONLINE_ONLY):
            files["/" + relative] = path
    for path in list(files.values()):
        if path.suffix == ".js":
            for url in VENDOR_IMPORT.findall(path.read_text(encoding="utf-8")):
                files[url] = _vendor_file(url)
    return dict(sorted(files.items()))


def shell_version(files: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for url, path in files.items():
        content = path.read_bytes()
        digest.update(f"{url}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def _fill(template: str, name: str, value: str) -> str:
    filled, count = re.subn(rf"^const {name} = .*;$", f"const {name} = {value};", template, count=1, flags=re.MULTILINE)
    if count != 1:
        raise RuntimeError(f"{WORKER} has no `const {name} = …;` line to fill in")
    return filled


_cache: tuple[tuple, str] | None = None


def worker_source(pwa_dir: Path | None = None) -> str:
    """The worker with VERSION and SHELL written in (recomputed when a file's size or mtime changes)."""
    global _cache
    pwa_dir = pwa_dir or served_directories()["/"]
    files = shell_files(pwa_dir)
    template_path = pwa_dir / WORKER
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in [template_path, *files.values()])
    if _cache is None or _cache[0] != signature:
        source = _fill(template_path.read_text(encoding="utf-8"), "VERSION", json.dumps(shell_version(files)))
        _cache = (signature, _fill(source, "SHELL", json.dumps(list(files))))
    return _cache[1]


@get("/service-worker.js", include_in_schema=False, sync_to_thread=True)
def service_worker() -> Response[str]:
    # no-cache: the browser asks every time it checks for an update.
    # Litestar adds `; charset=utf-8` to a text/* type.
    return Response(worker_source(), media_type="text/javascript", headers={"Cache-Control": "no-cache"})


ROUTES = [service_worker]
