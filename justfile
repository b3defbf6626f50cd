# Cartable's recipes. Start with ./just (it installs just and the project), e.g. `./just run`.

set dotenv-load := false

python := ".venv/bin/python"

# List the recipes.
default:
    @{{just_executable()}} --list

# Run the app: embedded Postgres (unless DATABASE_URL), migrations, demo school, http://localhost:${PORT:-8000}
run:
    {{python}} -m api

# Serve in production: migrations, then N workers (default: one per core) on uvloop + httptools, on HOST (default 127.0.0.1).
serve workers=num_cpus():
    {{python}} -m api --workers {{workers}}

# Run the whole test suite: the browser tests and the others side by side (tests/lanes.py).
# With arguments, one pytest run of what they name, e.g. `just test tests/test_pwa_browser.py -k offline`.
test *args:
    {{python}} -m tests.lanes {{args}}

# Seed the demo school (run automatically by `run`), or a scale school: just seed --schools 3 --students 800
seed *args:
    {{python}} -m db.seed {{args}}

# Apply pending migrations.
migrate:
    {{python}} -m db.migrate

# Write a new auto migration for a Piccolo app (core, accounts, homework, …).
migration app:
    {{python}} -m db.migrate new {{app}}

# Ruff on the whole repository: lint (pyflakes, pycodestyle, import order: rules in pyproject.toml) and formatting.
lint:
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .

# Wipe the embedded database (all local data; CARTABLE_DATA_DIR, default .data/postgres), its server stopped first.
reset:
    #!/usr/bin/env bash
    set -euo pipefail
    {{python}} - <<'PY'
    import json, os, shutil, signal
    from pathlib import Path

    import fasteners, psutil

    from db.database import DEFAULT_DATA_DIR

    data_dir = Path(os.environ.get("CARTABLE_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()
    # The lock starts take (db/database.py): no server starts on the folder while it goes.
    with fasteners.InterProcessLock(str(data_dir.parent / f".{data_dir.name}.lock")):
        try:
            pid = int((data_dir / "postmaster.pid").read_text().split()[0])
            server = psutil.Process(pid)
            running = server.name() == "postgres" and str(data_dir) in server.cmdline()
        except (OSError, ValueError, IndexError, psutil.Error):
            running = False  # never started, stopped, or a stale pid file (the pid is someone else's now)
        if running:
            try:
                users = [p for p in json.loads((data_dir / ".handle_pids.json").read_text()) if psutil.pid_exists(p)]
            except (OSError, ValueError):
                users = []
            server.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown: sessions ended, data flushed
            try:
                server.wait(timeout=30)
            except psutil.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
            print(f"PostgreSQL embarqué arrêté (pid {pid}).")
            if users:
                print(f"Cartable l'utilisait encore (pid {', '.join(map(str, users))}) : arrêtez-le et relancez-le.")
        if data_dir.exists():
            shutil.rmtree(data_dir)
    PY
    echo "Données locales effacées."

# Benchmark the family reads (session and phone, c=16 and 64) against a raw-asyncpg reference; PWA shell size.
# `just bench push`: Web Push fan-out to 10,000 subscriptions and the delay from homework given to push sent.
# `just bench servers`: the ASGI servers `just serve` could use, req/s and CPU per request.
bench *args:
    {{python}} -m tests.bench {{args}}
