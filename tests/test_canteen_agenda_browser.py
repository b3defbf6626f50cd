"""Canteen menus and the school calendar in the espace: the vie scolaire writes and publishes, a
parent reads them on a phone-width screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.browser import artifact
from tests.parity_builders import espace, setup, today

pytestmark = pytest.mark.browser


async def test_the_vie_scolaire_publishes_the_week_and_a_parent_reads_it(browser, live_server):
    s = await setup()
    staff_context, staff = await espace(browser, live_server, s.staff, "/espace/cantine.html")
    await staff.wait_for_selector("#editor fieldset")
    await staff.get_by_role("button", name="Semaine suivante").click()  # a whole week ahead, any day of the run
    monday = await staff.eval_on_selector("#week-date", "input => input.value")  # ISO (the field shows jj/mm/aaaa)
    box = staff.locator(f"fieldset[data-day='{monday}']")
    await box.locator(".dish[data-course=starter] input[type=text]").fill("Carottes râpées")
    main = box.locator(".dish[data-course=main]")
    await main.locator("input[type=text]").fill("Lasagnes aux légumes")
    await main.get_by_label("Végétarien").check()
    await main.locator("summary").click()
    await main.get_by_label("Céréales contenant du gluten").check()
    await main.get_by_label("Lait").check()
    await box.locator(".dish[data-course=dessert] input[type=text]").fill("Yaourt nature")
    await staff.get_by_role("button", name="Enregistrer le brouillon").click()
    await staff.wait_for_selector("#week-state >> text=Brouillon")

    parent_context, parent = await espace(browser, live_server, s.parent, "/espace/cantine.html", phone=True)
    await parent.wait_for_selector("#week-label:not(:empty)")
    await parent.get_by_role("button", name="Semaine suivante").click()
    await parent.wait_for_selector("#no-menus:not([hidden])")  # a draft stays with the school

    await staff.get_by_role("button", name="Publier la semaine").click()
    await staff.wait_for_selector("#status >> text=Menus publiés")
    await staff.screenshot(path=artifact("canteen-staff.png"), full_page=True)
    await parent.reload()
    await parent.wait_for_selector("#week-label:not(:empty)")
    await parent.get_by_role("button", name="Semaine suivante").click()
    await parent.wait_for_selector("#menus >> text=Lasagnes aux légumes")
    text = await parent.inner_text("#menus")
    assert "Menu végétarien" in text and "Allergènes : Céréales contenant du gluten, Lait" in text
    await parent.screenshot(path=artifact("canteen-parent-360.png"), full_page=True)
    await staff_context.close()
    await parent_context.close()


async def test_the_vie_scolaire_adds_an_outing_for_a_class_and_its_families_see_it(browser, live_server):
    s = await setup()
    staff_context, staff = await espace(browser, live_server, s.staff, "/espace/agenda.html")
    outing = (today() + timedelta(days=7)).isoformat()
    await staff.get_by_label("Type").select_option("outing")
    await staff.get_by_label("Titre").fill("Sortie au musée")
    await staff.fill("#first-day", outing)
    await staff.press("#first-day", "Tab")  # leaving the first day proposes it as the last
    assert await staff.input_value("#last-day") == (today() + timedelta(days=7)).strftime("%d/%m/%Y")
    await staff.fill("#last-day", outing)
    await staff.fill("#starts-at", "08:30")
    await staff.fill("#ends-at", "16:00")
    await staff.get_by_label("Lieu").fill("Musée Bernard d'Agesci")
    await staff.get_by_label("4e A").check()
    await staff.get_by_role("button", name="Ajouter l'événement").click()
    await staff.wait_for_selector("#events >> text=Sortie au musée")
    await staff.get_by_role("button", name="Modifier : Sortie au musée").click()
    await staff.get_by_label("Titre").fill("Sortie au musée d'Agesci")
    await staff.get_by_role("button", name="Enregistrer les modifications").click()
    await staff.wait_for_selector("#status >> text=Événement modifié.")
    await staff.screenshot(path=artifact("agenda-staff.png"), full_page=True)

    parent_context, parent = await espace(browser, live_server, s.parent, "/espace/agenda.html", phone=True)
    await parent.wait_for_selector("#events >> text=Sortie au musée d'Agesci")
    assert ", 08:30–16:00" in await parent.inner_text("#events") and await parent.locator("#event-form").is_hidden()
    await parent.screenshot(path=artifact("agenda-parent-360.png"), full_page=True)
    other_context, other = await espace(browser, live_server, s.parent_5a, "/espace/agenda.html")
    await other.wait_for_selector("#no-events:not([hidden])")  # another class's outing
    for context in (staff_context, parent_context, other_context):
        await context.close()
