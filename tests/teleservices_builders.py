"""Builders for the téléservices tests: a school whose year contains today, two families, staff,
open campaigns and a small bourse scale."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from api.clock import now
from db.core.tables import SchoolYear
from db.teleservices.tables import BourseCeiling, BourseEchelon, TeleserviceCampaign
from tests.factories import Ref, enrol, link_parent, make_class, make_school, make_user
from tests.family_builders import today
from tests.fixtures.api import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# Two wishes of a 3e family, as the orientation form sends them.
TWO_WISHES = {
    "wishes": [
        {"track": "2gt"},
        {"track": "2pro", "detail": "Métiers de la relation client"},
    ]
}
# A small scale: (échelon, yearly amount in cents), and (children, échelon, income ceiling in euros).
ECHELONS = [(1, 11_700), (2, 32_400), (3, 48_600)]
CEILINGS = [(1, 1, 17_000), (1, 2, 9_000), (1, 3, 3_000), (2, 1, 21_000), (2, 2, 11_000), (2, 3, 4_000)]


def year_start():
    """The day tele_setup's school year starts: 120 days ago, whatever today is."""
    return today() - timedelta(days=120)


def tax_notice() -> str:
    """The tax notice a bourse of tele_setup's school year rests on (the year it starts, on the income
    of the year before): computed, so that the tests read right on any day."""
    year = year_start().year
    return f"avis d'impôt {year} sur les revenus {year - 1}"


class TeleSetup(msgspec.Struct):
    school: Ref
    year_id: object
    class_3e: Ref
    class_2de: Ref
    student: Ref  # in 3e, two legal guardians
    parent: Ref
    other_parent: Ref
    student_2de: Ref
    parent_2de: Ref  # another family
    staff: Ref
    admin: Ref
    teacher: Ref


async def open_campaign(
    setup: TeleSetup, service: str, level: str = "", *, opens: int = -10, closes: int = 20, replies: int = 40
) -> Ref:
    """A campaign of the current year, its dates in days from today."""
    row = TeleserviceCampaign(
        school_id=setup.school.id,
        school_year_id=setup.year_id,
        service=service,
        level=level,
        opens_on=today() + timedelta(days=opens),
        closes_on=today() + timedelta(days=closes),
        replies_until=today() + timedelta(days=replies),
        updated_at=now(),
    )
    await row.save()
    return Ref(id=row.id, school_id=setup.school.id)


async def set_dates(campaign: Ref, **days: int) -> None:
    """Move a campaign's dates (`opens`, `closes`, `replies`: days from today), e.g. to let a deadline pass."""
    columns = {"opens": TeleserviceCampaign.opens_on, "closes": TeleserviceCampaign.closes_on}
    columns["replies"] = TeleserviceCampaign.replies_until
    await TeleserviceCampaign.update({columns[name]: today() + timedelta(days=n) for name, n in days.items()}).where(
        (TeleserviceCampaign.school_id == campaign.school_id) & (TeleserviceCampaign.id == campaign.id)
    )


async def add_scale(setup: TeleSetup, scale: str = "college") -> None:
    common = {"school_id": setup.school.id, "school_year_id": setup.year_id, "scale": scale}
    await BourseEchelon.insert(*[BourseEchelon(**common, echelon=e, yearly_amount_cents=a) for e, a in ECHELONS])
    await BourseCeiling.insert(
        *[BourseCeiling(**common, dependent_children=n, echelon=e, max_income=m) for n, e, m in CEILINGS]
    )


async def tele_setup() -> TeleSetup:
    school = await make_school()
    year = await SchoolYear.select(SchoolYear.id).where(SchoolYear.school_id == school.id).first()
    # The tests run on any day: the school year is the one around today.
    await SchoolYear.update(
        {SchoolYear.starts_on: year_start(), SchoolYear.ends_on: today() + timedelta(days=200)}
    ).where(SchoolYear.id == year["id"])
    class_3e, class_2de = await make_class(school, "3e A"), await make_class(school, "2de 1")
    student = await make_user(school, "student", first_name="Hugo", last_name="Fontaine")
    parent = await make_user(school, "parent", first_name="Élodie", last_name="Fontaine", email="elodie@example.fr")
    other_parent = await make_user(
        school, "parent", first_name="Sébastien", last_name="Fontaine", email="sebastien@example.fr"
    )
    student_2de = await make_user(school, "student", first_name="Inès", last_name="Benali")
    parent_2de = await make_user(school, "parent", first_name="Karim", last_name="Benali", email="karim@example.fr")
    await enrol(student, class_3e)
    await enrol(student_2de, class_2de)
    for guardian in (parent, other_parent):
        await link_parent(guardian, student)
    await link_parent(parent_2de, student_2de)
    return TeleSetup(
        school=school,
        year_id=year["id"],
        class_3e=class_3e,
        class_2de=class_2de,
        student=student,
        parent=parent,
        other_parent=other_parent,
        student_2de=student_2de,
        parent_2de=parent_2de,
        staff=await make_user(school, "staff", first_name="Stéphane", last_name="Girard"),
        admin=await make_user(school, "admin", first_name="Olivier", last_name="Marchand"),
        teacher=await make_user(school, "teacher", first_name="Hélène", last_name="Lefèvre"),
    )


async def signed_in(new_client, user: Ref):
    client = await new_client()
    await sign_in(client, user)
    return client


async def upload(client, request_id, content: bytes = PDF, name: str = "avis.pdf", **form):
    return await client.post(
        f"/api/teleservices/bourses/{request_id}/pieces", files={"file": (name, content)}, data=form or None
    )


async def unsent_draft(s, parent) -> tuple[Ref, str]:
    """A final-phase 3e campaign whose window has closed on the student's fiche left in draft by `parent`
    (signed in): two wishes saved, never sent. (The campaign, the fiche's id.)"""
    campaign = await open_campaign(s, "orientation_final", "3e", opens=-30, closes=5, replies=20)
    opening = {"campaign_id": str(campaign.id), "student_id": str(s.student.id)}
    form_id = (await parent.post("/api/teleservices/orientation", json=opening)).json()["id"]
    assert (await parent.put(f"/api/teleservices/orientation/{form_id}/wishes", json=TWO_WISHES)).status_code == 200
    await set_dates(campaign, closes=-1)  # closed before the family sent them
    return campaign, form_id
