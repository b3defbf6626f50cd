"""The shared kernel stays one: one visibility rule (`family_audience` and `reaches`, defined in one
migration) and one clock (api/clock.py). The structure tests read the source of api/: a new
hand-written class or group predicate, or a new wall clock, fails there with its place."""

from __future__ import annotations

import re
from pathlib import Path

from db.core.tables import Guardianship
from tests.teleservices_builders import open_campaign, signed_in, tele_setup

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


async def test_a_parents_children_are_what_family_audience_gives_them(new_client):
    """The web session, the phone profile and the téléservices list the same children and refuse the
    same ids: a guardianship row pointing at an account that is not a student (a bad import linked a
    parent to a teacher) makes no child anywhere."""
    s = await tele_setup()
    await Guardianship.insert(Guardianship(school_id=s.school.id, parent_id=s.parent.id, student_id=s.teacher.id))
    campaign = await open_campaign(s, "bourse_college")
    parent = await signed_in(new_client, s.parent)

    session = (await parent.get("/api/session")).json()
    assert [(c["first_name"], c["class_name"]) for c in session["children"]] == [("Hugo", "3e A")]
    summary = (await parent.get("/api/teleservices/summary")).json()
    assert [child["student"]["first_name"] for child in summary["children"]] == ["Hugo"]
    for student_id, status in ((s.student.id, 200), (s.teacher.id, 404), (s.student_2de.id, 404)):
        opened = await parent.post(
            "/api/teleservices/bourses", json={"campaign_id": str(campaign.id), "student_id": str(student_id)}
        )
        assert opened.status_code == status, opened.text
        if status == 404:
            assert opened.json()["error"]["message"] == "Élève introuvable."
