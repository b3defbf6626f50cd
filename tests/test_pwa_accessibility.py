"""Every screen of the phone app, in Chromium: axe-core finds no serious or critical violation, the
keyboard reaches everything with a visible focus, nothing overlaps at 320 px, and French is written as
French is written. Screenshots of each screen at 360×740 and 320×640 go to test-artifacts/. The
espace's pages: tests/test_espace_accessibility.py."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from api import clock
from db.alerts.tables import AlertRecipient
from db.bulletins.tables import ReportCardPublication
from db.canteen.tables import CanteenDish, CanteenMenu
from db.events.tables import SchoolEvent
from db.submissions.tables import HandIn
from db.vie_scolaire.tables import Absence
from tests.factories import enrol, link_parent, make_class, make_family, make_user
from tests.family_builders import (
    make_discussion,
    make_evaluation,
    make_homework,
    make_lesson,
    make_period,
    make_post,
    make_teacher_of,
    make_vie_scolaire,
    today,
)
from tests.fixtures.api import sign_in
from tests.fixtures.browser import (
    FOCUS_RING,
    TO_THE_TOP,
    browser_context,
    check_screen,
    without_webauthn,
)
from tests.pairing_builders import CODE
from tests.parity_builders import JPEG
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser


async def family_with_everything():
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    french_teacher, french = await make_teacher_of(
        family, "Français", "#c0392b", first_name="Anne", last_name="Bernard"
    )
    lesson = await make_lesson(teacher, maths, class_ref=family.class_ref, day=today(), content="<p>Thalès</p>")
    await make_lesson(
        french_teacher, french, class_ref=family.class_ref, day=today(), hour=10,
        status="cancelled", status_note="Professeur absent",
    )  # fmt: skip
    await make_homework(
        teacher, maths, class_ref=family.class_ref, due_in_days=1, lesson=lesson, attachment="fiche.pdf"
    )
    reading = await make_homework(
        french_teacher, french, class_ref=family.class_ref, due_in_days=2, html="<p>Lire le chapitre 2</p>"
    )
    period = await make_period(family.school)
    await parity_screens_data(family, teacher, reading, period)
    await make_evaluation(teacher, maths, period, family.class_ref, family.student, title="Fractions", grade="14.5")
    await make_vie_scolaire(teacher, family.student)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await make_post(teacher, [family.parent])
    await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    brother = await make_user(family.school, "student", first_name="Hugo")
    sixth = await make_class(family.school, "6e B")
    await enrol(brother, sixth)
    await link_parent(family.parent, brother)
    await make_homework(teacher, maths, class_ref=sixth, due_in_days=1, html="<p>Tables de multiplication</p>")
    return family, brother, discussion


async def parity_screens_data(family, teacher, homework, period) -> None:
    """Issue #14's screens: a homework to hand in, a published bulletin, today's menu, an event, and
    the alert button open (someone designated)."""
    sid = family.school.id
    moment = clock.now()
    await HandIn.insert(
        HandIn(school_id=sid, homework_id=homework.id, deadline=moment + timedelta(days=2), accepted_types=["pdf", "jpg"],
               updated_at=moment)
    )  # fmt: skip
    await ReportCardPublication.insert(
        ReportCardPublication(school_id=sid, period_id=period.id, class_id=family.class_ref.id, visible_from=today(),
                              published_by_id=teacher.id, updated_at=moment)
    )  # fmt: skip
    menu = CanteenMenu(school_id=sid, day=today(), published_at=moment, updated_by_id=teacher.id, updated_at=moment)
    await menu.save()
    await CanteenDish.insert(
        CanteenDish(school_id=sid, menu_id=menu.id, course="main", position=1, name="Lasagnes aux légumes",
                    allergens=["gluten", "milk"], vegetarian=True)
    )  # fmt: skip
    await SchoolEvent.insert(
        SchoolEvent(school_id=sid, kind="outing", title="Sortie au musée", first_day=today(), last_day=today(),
                    created_by_id=teacher.id, updated_at=moment)
    )  # fmt: skip
    cpe = await make_user(family.school, "staff", first_name="Stéphane")
    await AlertRecipient.insert(AlertRecipient(school_id=sid, user_id=cpe.id))


async def app_screens(discussion) -> dict[str, str]:
    """Every screen of the app (as `family_with_everything`'s parent sees it) → a text that says it is drawn."""
    [reading] = [h["id"] for h in await HandIn.select(HandIn.homework_id.as_alias("id"))]
    bulletin = (await ReportCardPublication.select().first())["period_id"]
    return {
        "accueil": "Pour demain",
        "devoirs": "Lire le chapitre 2",
        "devoirs/contenu": "Séance",
        "edt": "Professeur absent",
        f"edt/semaine/{today().isoformat()}": "Professeur absent",
        "notes": "Moyenne : 14,5/20",
        "bulletins": "Bulletin du",
        f"bulletins/{bulletin}": "Télécharger le PDF",
        "cantine": "Allergènes : Céréales contenant du gluten, Lait",
        f"rendre/{reading}": "À rendre en ligne avant le",
        "vie-scolaire": "Bavardages",
        "messages": "Progrès",
        f"messages/d/{discussion.id}": "Léa a progressé",
        "messages/nouvelle": "Professeur",
        "messages/infos": "Sortie au théâtre",
        "reglages": "Téléphone de Sophie",
        "demarches": "Aucun téléservice ouvert",
        "profils": "Ajouter un profil",
        "ajouter-profil": "Scanner le QR code",
    }


def router_routes() -> set[str]:
    """Every route of the app, as the router declares them (`SCREENS` in pwa/js/router.js)."""
    source = (Path(__file__).parents[1] / "pwa" / "js" / "router.js").read_text(encoding="utf-8")
    table = re.search(r"^const SCREENS = \{$(.*?)^\};$", source, re.MULTILINE | re.DOTALL).group(1)
    return set(re.findall(r"^\s+'?([a-z-]+)'?: \[", table, re.MULTILINE))


# Anything wider than the screen, or cut off inside a box that hides its overflow, outside scrolling boxes.
OVERFLOW = """() => {
  const width = innerWidth, found = [];
  const scrolls = (node) => { for (let p = node.parentElement; p; p = p.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  for (const node of document.querySelectorAll('body *')) {
    const box = node.getBoundingClientRect(), style = getComputedStyle(node);
    if (!box.width || !box.height || node.closest('.sr-only, .skip, [hidden]') || scrolls(node)) continue;
    const clipped = ['hidden', 'clip'].includes(style.overflowX) && node.scrollWidth > node.clientWidth + 1;
    if (box.right > width + 1 || box.left < -1 || clipped) found.push(`${node.tagName}.${node.className}`);
  }
  return { scrollWidth: document.scrollingElement.scrollWidth, width, found: found.slice(0, 8) };
}"""


async def check_narrow(page, name: str) -> None:
    """At 320×640: no horizontal scrolling, nothing clipped (axe runs there in check_screen); then back
    to 360×740."""
    await page.set_viewport_size({"width": 320, "height": 640})
    layout = await page.evaluate(OVERFLOW)
    assert layout["scrollWidth"] <= layout["width"] and layout["found"] == [], (name, layout)
    await page.set_viewport_size({"width": 360, "height": 740})


async def tour(page, live_server, screens: dict[str, str], *, suffix: str = "") -> None:
    """Open each screen and hold it to axe (no violation) at 360×740 and 320×640, with screenshots
    (`pwa-<screen><suffix>-<width>.png`); at 320 px nothing is wider than the screen or clipped."""
    for route, expected in screens.items():
        await page.goto(f"{live_server}/#/{route}")
        await page.wait_for_selector(f"text={expected}")
        await page.wait_for_load_state("networkidle")
        if route == "messages/infos":
            await page.click("summary:has-text('Sortie au théâtre')")  # the survey form, too
            await page.wait_for_selector("text=Répondre")
        kept = {"messages/d/": "discussion", "bulletins/": "bulletin", "rendre/": "rendre"}
        name = next((n for start, n in kept.items() if route.startswith(start)), None)
        name = name or re.sub(r"[^a-z-]+", "-", route).strip("-")
        await check_screen(page, f"pwa-{name}{suffix}")
        await check_narrow(page, f"pwa-{name}{suffix}")


async def test_every_screen_of_the_app_is_accessible_at_360_and_320_px_and_works_offline(page, context, live_server):
    family, brother, discussion = await family_with_everything()
    student_id = await pair_in_browser(page, live_server, family.student, "Téléphone de Léa")
    student_screens = {
        "accueil": "Pour demain", "devoirs": "Lire le chapitre 2", "notes": "Moyenne : 14,5/20",
        "vie-scolaire": "Bavardages", "messages": "Messages", "signaler": "Envoyer le signalement",  # students only
    }  # fmt: skip
    await tour(page, live_server, student_screens, suffix="-eleve")

    # The app lock's screen, as a phone without its authenticator shows it.
    await page.evaluate(
        "(id) => import('/js/device.js').then((m) => m.updateProfile(id, { lockEnabled: true }))", student_id
    )
    await without_webauthn(page.context)  # from here on: the pairings below register no lock either
    await page.goto(f"{live_server}/#/accueil")
    await page.reload()
    await page.wait_for_selector("#screen-title:has-text('Cartable verrouillé')")
    await check_screen(page, "pwa-verrouille")
    await check_narrow(page, "pwa-verrouille")
    await page.evaluate(
        "(id) => import('/js/device.js').then((m) => m.updateProfile(id, { lockEnabled: false }))", student_id
    )

    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    await page.evaluate(
        "([p, c]) => localStorage.setItem(`cartable.child.${p}`, c)", [parent_id, str(family.student.id)]
    )

    screens = await app_screens(discussion)
    # Every route of the router is held to axe: a new screen without a check here fails.
    assert router_routes() - {route.split("/")[0] for route in [*screens, *student_screens]} == set()
    await tour(page, live_server, screens)

    # Parents see the "Fait" state but cannot change it; the child switcher shows the other child.
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Lire le chapitre 2")
    assert await page.locator("input[type=checkbox][id^=done-]").count() == 0
    assert await page.locator(".badge", has_text="Non fait").count() == 2
    await page.select_option("#child", str(brother.id))
    await page.wait_for_selector("text=Tables de multiplication")
    assert not await page.is_visible("text=Lire le chapitre 2")

    # Offline, every screen seen once comes from the worker's shell and the stored data: nothing the
    # app needs is missing from the shell list.
    await page.select_option("#child", str(family.student.id))
    await page.wait_for_selector("text=Lire le chapitre 2")
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    await context.set_offline(True)
    for route, expected in screens.items():
        if route in ("messages/nouvelle", "ajouter-profil"):
            continue  # need the network by nature (the teacher list; a pairing)
        await page.goto(f"{live_server}/#/{route}")
        await page.wait_for_selector(f"text={expected}")
    assert [url for url in failed if not urlsplit(url).path.startswith("/api/")] == []
    await context.set_offline(False)
    assert student_id != parent_id


async def test_french_as_it_is_written_and_nothing_runs_together(page, live_server):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    await make_discussion(teacher, family.parent, family.student)
    await make_post(teacher, [family.parent])
    await make_post(teacher, [family.parent], title="Sortie au théâtre")
    await pair_in_browser(page, live_server, family.parent)
    await page.goto(f"{live_server}/#/accueil")
    assert await page.text_content(".alert", timeout=10_000) == "1 discussion non lue et 2 informations non lues"

    # The profile card: name, role and school, children, each on its own line.
    await page.goto(f"{live_server}/#/profils")
    card = page.locator(".card.profile")
    lines = await card.evaluate("(card) => card.innerText.split('\\n')")
    assert len(lines) == 3 and lines[0].startswith("Sophie ")
    assert lines[1].startswith("Responsable · ") and lines[2] == "Enfant : Léa"  # one child: singular

    # The tab labels keep clear of each other on the narrowest phones.
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector(".alert")
    for width in (320, 360):
        await page.set_viewport_size({"width": width, "height": 640})
        gaps = await page.evaluate("""() => {
            const boxes = [...document.querySelectorAll('#tabs a')].map((a) => {
                const range = document.createRange(); range.selectNodeContents(a.lastChild);
                return range.getBoundingClientRect(); });
            return boxes.slice(1).map((box, i) => box.left - boxes[i].right)
                .concat([boxes[0].left, innerWidth - boxes.at(-1).right]); }""")
        assert min(gaps) >= 6, (width, gaps)


async def test_keyboard_reaches_the_tab_bar_and_sends_a_form_with_a_visible_focus(page, live_server):
    family = await make_family()
    await pair_in_browser(page, live_server, family.parent)
    await page.goto(f"{live_server}/#/vie-scolaire")
    await page.reload()  # as the app opens: nothing focused yet
    await page.wait_for_selector("text=Signaler une absence")
    await page.wait_for_load_state("networkidle")

    # The skip link comes first and moves focus to the content without changing screen.
    await page.keyboard.press("Tab")
    assert (await page.evaluate(FOCUS_RING))["text"] == "Aller au contenu"
    assert await page.is_visible(".skip")
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#/vie-scolaire")

    # Every tab of the bar, in order, with a focus ring; Enter opens the screen.
    await page.focus("#tabs a[href='#/accueil']")
    labels = []
    for _ in range(6):
        ring = await page.evaluate(FOCUS_RING)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        labels.append(ring["text"][1:])  # after the icon
        await page.keyboard.press("Tab")
    assert labels == ["Accueil", "Devoirs", "EDT", "Notes", "Vie sco.", "Messages"]
    await page.focus("#tabs a[href='#/edt']")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#screen-title:has-text('Emploi du temps')")

    # The absence report, typed and sent from the keyboard alone.
    await page.goto(f"{live_server}/#/vie-scolaire")
    await page.wait_for_selector("text=Signaler une absence")
    await page.focus("#abs-day")
    for _ in range(20):  # through the day and hour fields (and their parts), keeping what they propose
        ring = await page.evaluate(FOCUS_RING)
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        if await page.evaluate("document.activeElement.id") == "abs-reason":
            break
        await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "abs-reason"
    await page.keyboard.type("Rendez-vous médical")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#toast:has-text('signalée à la vie scolaire')")
    assert [row["reason"] for row in await Absence.select(Absence.reason)] == ["Rendez-vous médical"]


async def test_the_app_writes_dates_and_hours_in_french_in_an_english_browser(browser, live_server):
    """Cartable opened on an English-language computer: the absence report and the notification hours
    show jj/mm/aaaa and 24-hour times (js/date-field.js, shared with the espace), and send ISO."""
    family = await make_family()
    context = await browser_context(browser, locale="en-US")
    try:
        page = await context.new_page()
        await pair_in_browser(page, live_server, family.parent)
        await page.goto(f"{live_server}/#/vie-scolaire")
        day = page.locator("#abs-day")
        await day.wait_for()
        assert await day.get_attribute("placeholder") == "jj/mm/aaaa"
        assert await day.input_value() == today().strftime("%d/%m/%Y")
        assert (
            await page.input_value("#abs-from") == "08:00"
            and await page.get_attribute("#abs-to", "placeholder") == "hh:mm"
        )
        await check_screen(page, "pwa-vie-scolaire-navigateur-anglais", sizes=((360, 740), (320, 640)))
        await day.fill("3/2/2026")
        await day.press("Tab")
        assert await day.input_value() == "03/02/2026"
        await page.fill("#abs-to-day", "03/02/2026")
        await page.fill("#abs-to", "17:30")
        await page.fill("#abs-reason", "Rendez-vous médical")
        await page.click("form.card button[type=submit]")
        await page.wait_for_selector("#toast:has-text('signalée à la vie scolaire')")
        [absence] = await Absence.select(Absence.starts_at, Absence.ends_at)
        assert (absence["starts_at"].day, absence["starts_at"].month, absence["ends_at"].day) == (3, 2, 3)

        await page.goto(f"{live_server}/#/reglages")
        start = page.locator("#n-quiet-start")
        await start.wait_for()
        assert await start.input_value() == "21:00" and await start.get_attribute("placeholder") == "hh:mm"
        await check_screen(page, "pwa-reglages-navigateur-anglais", sizes=((360, 740),))
    finally:
        await context.close()

    # A French browser keeps its own (French) date fields: nothing to load.
    context = await browser_context(browser)
    try:
        page = await context.new_page()
        await pair_in_browser(page, live_server, family.parent)
        await page.goto(f"{live_server}/#/vie-scolaire")
        assert await page.get_attribute("#abs-day", "type") == "date"
    finally:
        await context.close()


async def test_the_pairing_form_works_from_the_keyboard(page, live_server):
    family = await make_family()
    async with httpx.AsyncClient(base_url=live_server) as desktop_client:
        await sign_in(desktop_client, family.student)
        link = (await desktop_client.post("/api/pairing/pairings", json={"code": CODE})).json()["link"]
    await without_webauthn(page.context)
    await page.goto(f"{live_server}/#/ajouter-profil")
    await page.wait_for_selector("#pairing-link")
    await page.focus("#pairing-link")
    await page.keyboard.type(link)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#pairing-code:focus")
    await page.keyboard.type(CODE)
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: "#/accueil" in url)


async def test_every_screen_is_accessible_in_dark_mode_too_and_follows_the_text_size(page, live_server):
    family, _, discussion = await family_with_everything()
    await page.emulate_media(color_scheme="dark")
    await pair_in_browser(page, live_server, family.student, "Téléphone de Léa")
    await tour(page, live_server, {"signaler": "Envoyer le signalement"}, suffix="-eleve-sombre")
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    choose = "([p, c]) => localStorage.setItem(`cartable.child.${p}`, c)"
    await page.evaluate(choose, [parent_id, str(family.student.id)])
    await tour(page, live_server, await app_screens(discussion), suffix="-sombre")
    background = "() => getComputedStyle(document.documentElement).backgroundColor"
    assert await page.evaluate(background) == "rgb(17, 20, 23)"

    # Réglages › Apparence overrides the phone's choice, and keeps it.
    await page.goto(f"{live_server}/#/reglages")
    await page.check("input[name=theme][value=light]")
    assert await page.evaluate(background) == "rgb(243, 245, 248)"
    await page.reload()
    await page.wait_for_selector("text=Téléphone de Sophie")
    assert await page.evaluate("() => document.documentElement.dataset.theme") == "light"
    await page.emulate_media(color_scheme="light")
    await page.check("input[name=theme][value=dark]")
    assert await page.evaluate(background) == "rgb(17, 20, 23)"
    await page.check("input[name=theme][value=auto]")

    # Text follows the size the person chose for their browser/phone (here: 24 px instead of 16).
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector("text=Lire le chapitre 2")
    size = "() => parseFloat(getComputedStyle(document.querySelector('.rich')).fontSize)"
    before = await page.evaluate(size)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    await page.wait_for_function(f"() => ({size.removeprefix('() => ')}) > {before}")
    assert await page.evaluate(size) == pytest.approx(before * 1.5)


# Where focus is, and whether it shows: an outline of 2 px or more, or a box-shadow ring.
FOCUS_SHOWN = """() => { const node = document.activeElement, style = getComputedStyle(node);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return { id: node.id, tag: node.tagName, type: node.type || '', name: node.name || '', value: node.value || '',
           text: node.textContent.trim().slice(0, 60), shown: outline || style.boxShadow !== 'none' }; }"""


async def tab_to(page, wanted, limit: int = 60) -> dict:
    """Press Tab until the focused control is `wanted(focus)`; every control passed shows its focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        focus = await page.evaluate(FOCUS_SHOWN)
        assert focus["shown"], focus
        if wanted(focus):
            return focus
    raise AssertionError(f"never reached by Tab; last: {focus}")


async def from_the_top(page, route: str, ready: str) -> None:
    await page.goto(route)
    await page.wait_for_selector(ready)
    await page.wait_for_load_state("networkidle")
    await page.evaluate(TO_THE_TOP)


async def test_writing_answering_handing_in_and_settings_with_the_keyboard_alone(page, live_server):
    from db.communication.tables import Discussion, Message, SurveyAnswer
    from db.submissions.tables import SubmissionFile

    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    homework = await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=2, html="<p>Exposé</p>")
    await HandIn.insert(
        HandIn(school_id=family.school.id, homework_id=homework.id, deadline=clock.now() + timedelta(days=2),
               accepted_types=["pdf", "jpg"], updated_at=clock.now())
    )  # fmt: skip
    app = live_server + "/#/"
    await pair_in_browser(page, live_server, family.parent)

    # A new message: the teacher proposed, subject and text typed, sent with Enter.
    await from_the_top(page, app + "messages/nouvelle", "#teacher:has(option)")
    await tab_to(page, lambda f: f["id"] == "teacher")
    await tab_to(page, lambda f: f["id"] == "subject")
    await page.keyboard.type("Sortie")
    await tab_to(page, lambda f: f["id"] == "body")
    await page.keyboard.type("Léa pourra-t-elle venir ?")
    await tab_to(page, lambda f: f["text"] == "Envoyer")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#toast:has-text('Message envoyé.')")
    assert await Discussion.count() == 2

    # A reply in the discussion.
    await from_the_top(page, app + f"messages/d/{discussion.id}", "#reply")
    await tab_to(page, lambda f: f["id"] == "reply")
    await page.keyboard.type("Merci beaucoup.")
    await tab_to(page, lambda f: f["text"] == "Envoyer")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("text=Merci beaucoup.")
    assert await Message.count() == 3

    # A survey: Enter opens it, Space chooses an answer, Enter sends.
    await from_the_top(page, app + "messages/infos", "summary:has-text('Sortie au théâtre')")
    await tab_to(page, lambda f: f["tag"] == "SUMMARY" and "Sortie au théâtre" in f["text"])
    await page.keyboard.press("Enter")
    # Opening it marks it read: once that is sent the screen is drawn again (still open), and only then
    # is the answer chosen (a redraw under the keys would drop the choice and the focus).
    await page.wait_for_selector("details[open] summary:has-text('Sortie au théâtre'):not(:has-text('Non lu'))")
    await page.wait_for_load_state("networkidle")
    await tab_to(page, lambda f: f["type"] == "radio")
    await page.keyboard.press("Space")
    await tab_to(page, lambda f: f["text"] == "Répondre")
    await page.keyboard.press("Enter")
    for _ in range(50):
        if await SurveyAnswer.count():
            break
        await page.wait_for_timeout(100)
    assert await SurveyAnswer.count() == 1

    # Réglages: a notification setting changed with Space and saved with Enter; the theme's radios.
    await from_the_top(page, app + "reglages", "#n-quiet")
    await tab_to(page, lambda f: f["id"] == "n-quiet")
    await page.keyboard.press("Space")
    await tab_to(page, lambda f: f["text"] == "Enregistrer")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#toast:has-text('Réglages des notifications enregistrés.')")
    await tab_to(page, lambda f: f["name"] == "theme")  # the chosen one; arrows move within the group
    await page.keyboard.press("ArrowDown")
    assert (await page.evaluate(FOCUS_SHOWN))["value"] == "light"
    assert await page.evaluate("() => document.documentElement.dataset.theme") == "light"

    # The student hands in a photo: the upload control is reached by Tab and opened with Space.
    await pair_in_browser(page, live_server, family.student, "Téléphone de Léa")
    await from_the_top(page, app + f"rendre/{homework.id}", "#hand-in-photo")
    await tab_to(page, lambda f: f["id"] == "hand-in-photo")
    async with page.expect_file_chooser() as chooser:
        await page.keyboard.press("Space")
    await (await chooser.value).set_files({"name": "expose.jpg", "mimeType": "image/jpeg", "buffer": JPEG})
    for _ in range(100):
        if await SubmissionFile.count():
            break
        await page.wait_for_timeout(100)
    assert await SubmissionFile.count() == 1
