"""`python -m db.seed`: migrate, then seed the demo school (or benchmark schools) and print the accounts."""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date

from db.database import resolve_database_url
from db.migrate import apply_migrations
from db.seed import seed_demo, seed_scale


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m db.seed", description=__doc__)
    parser.add_argument("--schools", type=int, default=0, help="benchmark schools to create (instead of the demo)")
    parser.add_argument("--students", type=int, default=500, help="students per benchmark school")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="pretend today is YYYY-MM-DD")
    return parser.parse_args()


async def _main(arguments: argparse.Namespace) -> None:
    await apply_migrations()
    started = time.perf_counter()
    if arguments.schools:
        schools = await seed_scale(
            schools=arguments.schools, students_per_school=arguments.students, today=arguments.today
        )
        for school in schools:
            state = f"{sum(school.rows.values())} lignes" if school.created else "déjà présent"
            print(f"{school.uai}  {school.name:<32} {state}")
    else:
        summary = await seed_demo(today=arguments.today)
        print("\n".join(summary.lines()))
    print(f"\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    arguments = _arguments()
    resolve_database_url()  # DATABASE_URL, or the embedded server, started outside any event loop
    asyncio.run(_main(arguments))
