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

# Run the whole test suite (API + browser). Extra arguments go to pytest.
test *args:
    {{python}} -m pytest {{args}}

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

# Wipe the embedded database (all local data).
reset:
    rm -rf .data/postgres
    @echo "Données locales effacées."

# Benchmark the family reads (session and phone, c=16 and 64) against a raw-asyncpg reference; PWA shell size.
# `just bench push`: Web Push fan-out to 10,000 subscriptions and the delay from homework given to push sent.
# `just bench servers`: the ASGI servers `just serve` could use, req/s and CPU per request.
bench *args:
    {{python}} -m tests.bench {{args}}
