"""The class council's proposal made without wishes (final phase), as the family reads it on the paired
phone: no wishes reached the school, the draft's saved wishes are "Non transmis", and the family accepts
the proposal as any answer of the council. And the demo shows it: the demo secretariat has students
"Aucun vœu transmis" to propose for, and a family left with unsent wishes."""

from __future__ import annotations

import asyncio

import pytest

from api.clock import now
from db.core.tables import Guardianship, User
from db.seed import seed_demo
from db.teleservices.tables import OrientationForm, OrientationWish
from tests.factories import Ref
from tests.fixtures.browser import artifact, check_screen
from tests.teleservices_builders import signed_in, tele_setup, unsent_draft
from tests.test_pwa_browser import pair_in_browser

REQUESTS = "/api/school/teleservices/requests"


def _target(campaign_id, student_id) -> str:
    return f"/api/school/teleservices/orientation/campaigns/{campaign_id}/students/{student_id}"


async def _family(new_client, student_id):
    """A guardian of the demo's student, signed in (the demo's generated families never signed in to
    Cartable: this one just did)."""
    guardian = await Guardianship.select(Guardianship.parent_id).where(Guardianship.student_id == student_id).first()
    await User.update({User.first_login_done_at: now()}).where(User.id == guardian["parent_id"])
    user = await User.select(User.id, User.school_id).where(User.id == guardian["parent_id"]).first()
    return await signed_in(new_client, Ref(id=user["id"], school_id=user["school_id"]))


async def _state(form_id) -> str:
    return (await OrientationForm.select(OrientationForm.state).where(OrientationForm.id == form_id).first())["state"]


@pytest.mark.browser
async def test_on_the_phone_a_parent_reads_a_proposal_made_without_wishes_and_accepts_it(page, live_server, new_client):
    s = await tele_setup()
    # The family saved two wishes on the desktop and never sent them; the window has closed since.
    campaign, form_id = await unsent_draft(s, await signed_in(new_client, s.parent))
    staff = await signed_in(new_client, s.staff)
    proposal = {"proposal": {"track": "2gt"}, "comment": "Le conseil propose une 2de générale et technologique."}
    proposed = await staff.put(f"{_target(campaign.id, s.student.id)}/proposal", json=proposal)
    assert proposed.status_code == 200, proposed.text

    await pair_in_browser(page, live_server, s.parent, "Téléphone d'Élodie")
    await page.goto(f"{live_server}/#/accueil")
    await page.get_by_role("link", name="Démarches").click()
    await page.get_by_role("link", name="Voir la demande : Orientation — phase définitive (3e), Hugo").click()
    await page.wait_for_selector("text=Aucun vœu n’a été transmis à l’établissement")
    sent = page.locator("section", has=page.get_by_role("heading", name="Vœux de la famille"))
    assert await sent.locator("li").count() == 0  # nothing reached the school
    assert "sans connaître vos vœux" in await sent.inner_text()
    unsent = page.locator("section", has=page.get_by_role("heading", name="Vœux enregistrés mais non transmis"))
    assert await unsent.locator("li").all_inner_texts() == [
        "2de générale et technologique — Non transmis",
        "2de professionnelle — Métiers de la relation client — Non transmis",
    ]
    assert await unsent.locator("li .badge").all_inner_texts() == ["Non transmis", "Non transmis"]
    await page.wait_for_selector("text=Proposition du conseil de classe : « 2de générale et technologique »")
    headings = await page.locator("main").evaluate(
        "(main) => [...main.querySelectorAll('h1, h2, h3, h4')].map((h) => `${h.tagName} ${h.textContent}`)"
    )
    assert headings == [
        "H2 Orientation — phase définitive (3e) — Hugo",
        "H2 Vœux de la famille",
        "H2 Vœux enregistrés mais non transmis",
        "H3 Votre réponse",
        "H2 Historique",
    ]
    assert await page.get_by_role("button", name="Je refuse et je demande un rendez-vous").is_visible()
    await check_screen(page, "pwa-demarches-proposal-without-wishes")
    await page.screenshot(path=artifact("pwa-demarches-proposal-without-wishes-full.png"), full_page=True)
    await page.emulate_media(color_scheme="dark")
    await check_screen(page, "pwa-demarches-proposal-without-wishes-dark", sizes=((360, 740),))
    await page.emulate_media(color_scheme="light")

    await page.get_by_role("button", name="J’accepte la proposition du conseil").click()
    await page.wait_for_selector("#toast >> text=Réponse envoyée à l’établissement.")
    for _ in range(100):
        if await _state(form_id) == "accepted":
            break
        await asyncio.sleep(0.1)
    assert await _state(form_id) == "accepted"
    await page.wait_for_selector("text=Réponse de la famille : acceptée par la famille, par Élodie Fontaine")
    main = await page.inner_text("main")
    assert "Non transmis" in main and "null" not in main and "undefined" not in main


async def test_the_demo_secretariat_proposes_for_students_without_wishes(new_client):
    await seed_demo()
    cpe = await User.select().where((User.first_name == "Stéphane") & (User.last_name == "Girard")).first()
    staff = await signed_in(new_client, Ref(id=cpe["id"], school_id=cpe["school_id"]))

    lines = (await staff.get(REQUESTS, params={"state": "no_wishes"})).json()
    assert {(line["service"], line["state_label"], line["summary"]) for line in lines} == {
        ("orientation_final", "Aucun vœu transmis", "Proposition du conseil de classe à enregistrer")
    }
    # Two students of families who never used the app (no fiche), and one family's draft.
    never_used = {("Hugo", "Fontaine"), ("Emma", "Garnier")}
    [draft] = [
        line for line in lines if (line["student"]["first_name"], line["student"]["last_name"]) not in never_used
    ]
    assert len(lines) == 3
    target = _target(draft["campaign_id"], draft["student"]["id"])
    assert (await staff.get(target)).json()["actions"] == ["propose"]
    # Most families sent their wishes: the council's answers are on the same list.
    final = (await staff.get(REQUESTS, params={"service": "orientation_final"})).json()
    assert len(final) > 2 * len(lines)
    assert {"submitted", "answered", "accepted", "declined"} <= {line["state"] for line in final}

    # The secretariat proposes for the draft: its family reads its saved wishes as never sent.
    proposed = await staff.put(f"{target}/proposal", json={"proposal": {"track": "2gt"}})
    assert proposed.status_code == 200, proposed.text
    assert (proposed.json()["wishes"], proposed.json()["unsent_wishes"]) == ([], [])  # the school reads neither
    family = await _family(new_client, draft["student"]["id"])
    fiche = (await family.get(f"/api/teleservices/orientation/{proposed.json()['id']}")).json()
    assert (fiche["wishes"], fiche["proposal"]["label"]) == ([], "2de générale et technologique")
    assert fiche["unsent_wishes"] and all(w["origin"] == "unsent" for w in fiche["unsent_wishes"])
    assert {"accept", "decline"} <= set(fiche["actions"])

    # The fiche the council had already proposed for, in the demo: the same, for that family.
    [unsent] = await OrientationWish.select(OrientationWish.form_id).where(
        (OrientationWish.origin == "unsent") & (OrientationWish.rank == 1) & (OrientationWish.form_id != fiche["id"])
    )
    form = await OrientationForm.select().where(OrientationForm.id == unsent["form_id"]).first()
    family = await _family(new_client, form["student_id"])
    fiche = (await family.get(f"/api/teleservices/orientation/{form['id']}")).json()
    assert (fiche["state"], fiche["wishes"], fiche["proposal"]["label"]) == (
        "answered",
        [],
        "2de générale et technologique",
    )
    assert [w["label"] for w in fiche["unsent_wishes"]] == [
        "2de professionnelle — Métiers de la relation client",
        "1re année de CAP — Équipier polyvalent du commerce",
    ]
    assert {"accept", "decline"} <= set(fiche["actions"])
