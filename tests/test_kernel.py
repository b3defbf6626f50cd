"""The shared kernel stays one: one visibility rule (`family_audience` and `reaches`, defined in one
migration) and one clock (api/clock.py). These read the source of api/: a new hand-written class or
group predicate, or a new wall clock, fails here with its place."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "api"
REACHES_MIGRATION = "db/core/piccolo_migrations/core_2026_11_25t01_00_00_000001.py"

# Places that may test membership of a class list by hand, and why (what a family sees is not decided there).
CLASS_LIST_EXCEPTIONS = {
    # The head of school publishes again or withdraws: the frozen copies of the classes named go.
    "api/bulletins/frozen.py": 1,
}


def _sources() -> list[tuple[str, str]]:
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")) for path in sorted(API.rglob("*.py"))]


def _hits(pattern: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, text in _sources():
        for number, line in enumerate(text.splitlines(), 1):
            if re.search(pattern, line, re.IGNORECASE):
                found.setdefault(name, []).append(f"{number}: {line.strip()}")
    return found


def test_the_class_and_group_predicate_is_written_once():
    """`reaches(classes, groups, class_id, group_id)` is the one way to test whether an item reaches a
    family's classes or groups (it takes a NULL group for class-only items)."""
    hits = _hits(r"\b(class|group)_ids?\s*=\s*ANY\s*\(")
    assert {name: len(lines) for name, lines in hits.items()} == CLASS_LIST_EXCEPTIONS, hits
    defined = (ROOT / REACHES_MIGRATION).read_text(encoding="utf-8")
    assert "item_class = ANY(audience_classes) OR item_group = ANY(audience_groups)" in defined


def test_family_visibility_is_never_decided_in_python():
    """No Python copy of the rule: no statement hands a family's class or group ids to Python code to test."""
    hits = _hits(r"SELECT\b.*\b(class|group)_ids\b.*\bFROM family_audience\(")
    assert hits == {}, hits
