"""Deterministic seed data: the demo collège, and larger schools for benchmarks.

`seed_demo()` creates "Collège Philippe de Commynes" (UAI 0790011H) with four classes, about a
hundred students and their families, a timetable from last week to two weeks ahead, homework,
evaluations, vie scolaire and messages. The same day gives the same data (a seeded
`random.Random`); dates move with today. Run it with `python -m db.seed`.

Call `db.database.resolve_database_url()` first (outside the event loop): without DATABASE_URL it
starts the embedded server.
"""

from db.seed.demo import DEMO_PASSWORD, DEMO_UAI, TEMPORARY_PASSWORD, DemoAccount, SeedSummary, read_summary, seed_demo
from db.seed.names import IDENTIFIER_PATTERN, identifier_base
from db.seed.scale import ScaleSchool, seed_scale

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_UAI",
    "IDENTIFIER_PATTERN",
    "TEMPORARY_PASSWORD",
    "DemoAccount",
    "ScaleSchool",
    "SeedSummary",
    "identifier_base",
    "read_summary",
    "seed_demo",
    "seed_scale",
]
