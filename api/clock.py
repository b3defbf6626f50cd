"""The one clock: every "now" in the app comes from here (UTC, timezone-aware)."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def today():
    """Today's date as the school calendar reads it: UTC, like every default date range of the API."""
    return now().date()
