"""The one clock: every "now" in the app comes from here (UTC, timezone-aware)."""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo


def now() -> datetime:
    return datetime.now(timezone.utc)


def today_in(zone: tzinfo) -> date:
    """Today on a wall clock in `zone` (a school's own day: menus, deadlines, publication dates)."""
    return now().astimezone(zone).date()
