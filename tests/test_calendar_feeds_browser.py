"""Calendar feeds in the browser: the espace's Agenda page (a parent's child, a teacher's own timetable)
and the phone's Réglages › Agenda; a link made, made again (the old one stops working) and revoked, as
a calendar app sees it; axe-core on each.

The live server runs on the wall clock (a session or a phone's proof is checked on it): these tests do
not pin the app's clock as tests/test_calendar_feeds.py does, and build their days on the school's day.
"""

from __future__ import annotations

from datetime import time

import httpx
import pytest
from icalendar import Calendar

from tests.family_builders import today
from tests.fixtures.browser import artifact, check_screen, espace_context
from tests.school_builders import make_lesson, school_setup
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser


def uids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


async def test_the_espace_agenda_page_makes_and_revokes_a_link(browser, live_server):
    setup = await school_setup()
    context, page = await espace_context(browser, live_server, setup.parent_4a)
    try:
        await page.goto(f"{live_server}/espace/agenda.html")
        await page.click("text=Créer le lien")
        url = await page.input_value(f"#url-{setup.student_4a.id}")
        assert (
            url.startswith(live_server + "/api/calendar/")
            and await page.evaluate("() => document.activeElement.id") == f"url-{setup.student_4a.id}"
        )
        async with httpx.AsyncClient() as calendar_app:
            assert (await calendar_app.get(url)).status_code == 200
            await check_screen(page, "espace-agenda-lien", sizes=((1280, 900),))
            await page.click("text=Révoquer")
            await page.wait_for_selector("text=Aucun lien.")
            assert (await calendar_app.get(url)).status_code == 404
        await page.screenshot(path=artifact("espace-agenda-revoque.png"))
    finally:
        await context.close()


async def test_a_teacher_makes_remakes_and_revokes_their_timetables_link_in_the_espace(browser, live_server):
    setup = await school_setup()
    lesson = await make_lesson(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, day=today(),
                               starts=time(10), ends=time(11))  # fmt: skip
    field = f"#url-{setup.teacher_4a.id}"
    context, page = await espace_context(browser, live_server, setup.teacher_4a)
    try:
        await page.goto(f"{live_server}/espace/agenda.html")
        await page.wait_for_selector("#feeds-card >> text=Aucun lien.")
        assert await page.is_visible("#feeds-school") and not await page.is_visible("#feeds-family")
        assert await page.inner_text("#feeds h3") == "Mon emploi du temps"
        await page.click("#feeds-card >> text=Créer le lien")
        first = await page.input_value(field)
        assert first.startswith(live_server + "/api/calendar/")
        assert await page.evaluate("() => document.activeElement.id") == field[1:]
        async with httpx.AsyncClient() as calendar_app:
            assert f"lesson-{lesson.id}@cartable" in uids(await calendar_app.get(first))
            await check_screen(page, "espace-agenda-lien-enseignant", sizes=((1280, 900),))
            await page.emulate_media(color_scheme="dark")
            await check_screen(page, "espace-agenda-lien-enseignant-sombre", sizes=((1280, 900),))
            await page.emulate_media(color_scheme="light")

            await page.click("#feeds-card >> text=Refaire le lien")
            await page.wait_for_function(
                "([id, old]) => document.getElementById(id)?.value !== old", arg=[field[1:], first]
            )
            second = await page.input_value(field)
            assert (await calendar_app.get(first)).status_code == 404  # the old link stops working
            assert f"lesson-{lesson.id}@cartable" in uids(await calendar_app.get(second))

            await page.click("#feeds-card >> text=Révoquer")
            await page.wait_for_selector("#feeds-card >> text=Aucun lien.")
            assert await page.locator(field).count() == 0
            assert (await calendar_app.get(second)).status_code == 404
    finally:
        await context.close()


async def test_reglages_agenda_on_the_phone_makes_remakes_and_revokes_a_link(page, live_server):
    setup = await school_setup()
    lesson = await make_lesson(setup.teacher_4a, setup.subject, class_ref=setup.class_4a, day=today())
    await pair_in_browser(page, live_server, setup.parent_4a, "Téléphone de Sophie")
    await page.goto(f"{live_server}/#/reglages")
    section = page.locator("section[aria-labelledby=calendar-title]")
    await section.locator("text=aucun lien").wait_for()
    assert await section.locator("strong").inner_text() == "Léa"
    field = f"#feed-{setup.student_4a.id}"

    await section.locator("button:has-text('Créer le lien')").click()
    await page.wait_for_selector(f"{field}:focus")  # shown once, focused so that it can be copied at once
    first = await page.input_value(field)
    assert first.startswith(live_server + "/api/calendar/") and first.endswith(".ics")
    assert (
        await section.locator('a:has-text("Ajouter à l\'agenda")').get_attribute("href")
        == "webcal://" + first.split("://", 1)[1]
    )
    async with httpx.AsyncClient() as calendar_app:
        assert f"lesson-{lesson.id}@cartable" in uids(await calendar_app.get(first))
        await check_screen(page, "pwa-reglages-agenda-lien")  # axe, at 360 and 320 px
        await page.emulate_media(color_scheme="dark")
        await check_screen(page, "pwa-reglages-agenda-lien-sombre", sizes=((360, 740),))
        await page.emulate_media(color_scheme="light")

        await section.locator("button:has-text('Refaire le lien')").click()
        await page.wait_for_function(
            "([id, old]) => document.getElementById(id)?.value !== old", arg=[field[1:], first]
        )
        second = await page.input_value(field)
        assert (await calendar_app.get(first)).status_code == 404  # the old link stops working
        assert (await calendar_app.get(second)).status_code == 200

        await section.locator("button:has-text('Révoquer')").click()
        await page.wait_for_selector("#toast:has-text('Lien révoqué : il ne fonctionne plus.')")
        await section.locator("text=aucun lien").wait_for()
        assert await page.locator(field).count() == 0
        assert (await calendar_app.get(second)).status_code == 404
    await page.screenshot(path=artifact("pwa-reglages-agenda-revoque-360.png"), full_page=True)
