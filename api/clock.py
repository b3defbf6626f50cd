"""The one clock: every "now" in the app comes from here (UTC, timezone-aware).

SQL statements take it as a parameter instead of calling `now()`, so the app and its database agree
on the time. Modules import `now` itself; a test moves every clock of the app at once by replacing
`source` (`monkeypatch.setattr(clock, "source", lambda: moment)`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


source = wall_clock


def now() -> datetime:
    return source()


def today_in(zone: tzinfo) -> date:
    """Today on a wall clock in `zone` (a school's own day: menus, deadlines, publication dates)."""
    return now().astimezone(zone).date()
