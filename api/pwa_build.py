"""The PWA as browsers receive it: each script and stylesheet minified by esbuild, file by file.

The sources in pwa/ stay commented and readable; the app serves a minified mirror of them, built when
it starts (a third less to download after gzip: comments, spaces and long local names). Nothing is
bundled: every file keeps its URL, its imports and its exports, so the worker's shell list, the tests
that load one module and the CSP see the same files. esbuild comes from npm with the PWA's other
dependencies (./just runs `npm ci`).

The mirror goes to .data/pwa-build/<hash of the sources and of esbuild's version>/: built in a
temporary folder, then renamed, so app workers starting together never serve a half-written mirror
and a restart with unchanged sources reuses it. The worker template is copied as it is
(api/pwa_shell.py writes its VERSION and SHELL lines). Edit pwa/, then restart the app to serve it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PWA_DIR = ROOT / "pwa"
NODE_MODULES = ROOT / "node_modules"
BUILD_ROOT = ROOT / ".data" / "pwa-build"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
MINIFIED = (".js", ".css")
KEPT_AS_IS = ("service-worker.js",)  # a template: api/pwa_shell.py fills lines of it by pattern

# URL prefix → source folder. The PWA and the vendor module its shell imports are minified; jsQR
# (loaded only by phones without BarcodeDetector) is already a minified build.
SOURCES = {"/": PWA_DIR, "/vendor/idb": NODE_MODULES / "idb" / "build"}
AS_PUBLISHED = {"/vendor/jsqr": NODE_MODULES / "jsqr" / "dist"}


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _sources_hash(sources: dict[str, Path], esbuild_version: str) -> str:
    digest = hashlib.sha256(esbuild_version.encode())
    for prefix, folder in sorted(sources.items()):
        for path in _files(folder):
            content = path.read_bytes()
            digest.update(f"{prefix}\0{path.relative_to(folder).as_posix()}\0{len(content)}\0".encode())
            digest.update(content)
    return digest.hexdigest()[:16]


def _folder_name(prefix: str) -> str:
    return prefix.strip("/").replace("/", "-") or "app"


def _esbuild_version() -> str:
    if not ESBUILD.exists():
        raise RuntimeError(f"{ESBUILD} is missing: run ./just once (it installs the PWA's npm packages).")
    return subprocess.run([ESBUILD, "--version"], check=True, capture_output=True, text=True).stdout.strip()


def build(sources: dict[str, Path], build_root: Path) -> dict[str, Path]:
    """URL prefix → folder of the minified mirror of `sources` (built unless already there)."""
    target = build_root / _sources_hash(sources, _esbuild_version())
    if not target.exists():
        build_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=build_root))
        try:
            for prefix, folder in sources.items():
                out = staging / _folder_name(prefix)
                minified = [p for p in _files(folder) if p.suffix in MINIFIED and p.name not in KEPT_AS_IS]
                for path in _files(folder):
                    if path not in minified:
                        (out / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, out / path.relative_to(folder))
                if minified:
                    command = [ESBUILD, *map(str, minified), "--minify", f"--outbase={folder}", f"--outdir={out}"]
                    subprocess.run([*command, "--log-level=error"], check=True)
            os.rename(staging, target)
            _prune(build_root, keep=target)
        except OSError:
            if not target.exists():  # another worker's rename won the race only if the target exists
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return {prefix: target / _folder_name(prefix) for prefix in sources}


def _prune(build_root: Path, keep: Path, older_than_s: float = 3600) -> None:
    """Remove mirrors of older sources (after an hour: a process started before may still serve one)."""
    for folder in build_root.iterdir():
        if folder != keep and folder.stat().st_mtime < time.time() - older_than_s:
            shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def served_directories() -> dict[str, Path]:
    """URL prefix → folder the app serves it from: the minified mirror, and jsQR as published."""
    return {**build(SOURCES, BUILD_ROOT), **AS_PUBLISHED}
