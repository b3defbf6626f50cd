"""Cartable on a desktop, in Chromium: a parent signed in to the espace opens it on this computer in one
step (no QR, no code), sees their children on screens that use the width, and a shared computer keeps
nothing once they sign out, close the browser or leave it idle. At 1280 px, Accueil gives each part its
place whatever shows, and the canteen, bulletin, hand-in and alert screens are laid out for the width."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from db.devices.tables import Device
from tests.factories import enrol, link_parent, make_class, make_family, make_user
from tests.family_builders import make_homework, make_lesson, make_post, make_teacher_of, today
from tests.fixtures.browser import FOCUS_RING, browser_context, check_screen, espace_context
from tests.parity_builders import setup, signed_in
from tests.test_parity_pwa_browser import _menus_and_events, _published_bulletin, _to_hand_in
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser

DESKTOP = (1280, 800)

# What this browser keeps on disk: profile records, and every row of the data cache (no store, no row:
# a database the app never opened is not created by looking).
STORED = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  const rows = (name) => new Promise((resolve) => {
    if (!names.includes(name)) { resolve({}); return; }
    const request = indexedDB.open(name);
    request.onsuccess = () => {
      const db = request.result, stores = [...db.objectStoreNames], out = {};
      if (!stores.length) { db.close(); resolve(out); return; }
      const tx = db.transaction(stores);
      let left = stores.length;
      for (const store of stores) {
        tx.objectStore(store).count().onsuccess = (event) => {
          out[store] = event.target.result;
          if (--left === 0) { db.close(); resolve(out); }
        };
      }
    };
  });
  return { devices: await rows('cartable-devices'), cache: await rows('cartable-cache') };
}"""


def nothing_stored(stored: dict) -> bool:
    return not any(stored["devices"].values()) and not any(stored["cache"].values())


# Every write any page of the context makes to IndexedDB, reported to the test as it happens.
RECORD_WRITES = """for (const name of ['put', 'add']) {
  const original = IDBObjectStore.prototype[name];
  IDBObjectStore.prototype[name] = function (...args) {
    window.idbWrite?.(this.transaction.db.name, this.name);
    return original.apply(this, args);
  };
}"""


async def watch_disk(context) -> list[tuple[str, str]]:
    """The (database, store) of every IndexedDB write from now on in `context`."""
    writes: list[tuple[str, str]] = []
    await context.expose_function("idbWrite", lambda database, store: writes.append((database, store)))
    await context.add_init_script(RECORD_WRITES)
    return writes


async def family_week():
    """A parent of two, lessons today, tomorrow and on this week's Monday, homework and news."""
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    monday = today() - timedelta(days=today().weekday())
    # Today's lesson after the Monday ones, so that on a Monday the week's 8:00 and 10:00 stay first.
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=today(), hour=14, content="<p>Thalès</p>")
    await make_lesson(teacher, maths, class_ref=family.class_ref, day=today() + timedelta(days=1), hour=9)
    for hour in (8, 10):
        await make_lesson(teacher, maths, class_ref=family.class_ref, day=monday, hour=hour)
    await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=1, html="<p>Exercice 12 page 40</p>")
    await make_post(teacher, [family.parent], title="Réunion parents-professeurs")
    zoe = await make_user(family.school, "student", first_name="Zoé")  # after Léa: Léa's screens come first
    await enrol(zoe, await make_class(family.school, "6e B"))
    await link_parent(family.parent, zoe)
    return family


async def open_from_portal(page, live_server, *, personal=False):
    await page.goto(f"{live_server}/espace/portail.html")
    tile = page.locator(".app", has=page.get_by_role("link", name="Cartable", exact=True))
    await tile.get_by_role("button", name="Ouvrir sur cet ordinateur").click()
    dialog = page.get_by_role("dialog", name="Ouvrir Cartable sur cet ordinateur")
    await dialog.wait_for()
    if personal:
        await dialog.get_by_label("Mon ordinateur personnel").check()
    await dialog.get_by_role("button", name="Ouvrir Cartable sur cet ordinateur").click()
    await page.wait_for_url(f"{live_server}/#/accueil")


async def live_devices(user) -> list[dict]:
    return await Device.select().where((Device.user_id == user.id) & Device.revoked_at.is_null())


async def assert_forgotten(page, user) -> None:
    """Nothing of the shared profile is left in this browser, and the server revoked it."""
    assert nothing_stored(await page.evaluate(STORED))
    assert await live_devices(user) == []


async def test_a_parent_opens_cartable_here_from_the_portal_and_sees_their_children_at_desktop_width(
    browser, live_server
):
    family = await family_week()
    context, page = await espace_context(browser, live_server, family.parent, viewport=DESKTOP)
    writes = await watch_disk(context)
    try:
        await page.goto(f"{live_server}/espace/portail.html")
        tile = page.locator(".app", has=page.get_by_role("link", name="Cartable", exact=True))
        await tile.get_by_role("button", name="Ouvrir sur cet ordinateur").click()
        dialog = page.get_by_role("dialog", name="Ouvrir Cartable sur cet ordinateur")
        await dialog.wait_for()
        # A shared computer unless the parent says otherwise.
        assert await dialog.get_by_label("Partagé ou public (ordinateur familial, CDI, travail)").is_checked()
        assert not await dialog.get_by_label("Mon ordinateur personnel").is_checked()
        await check_screen(page, "espace-ouvrir-sur-cet-ordinateur", sizes=(DESKTOP,))
        await dialog.get_by_role("button", name="Ouvrir Cartable sur cet ordinateur").click()

        # The family app, straight away: both children, no QR code, no code to type.
        await page.wait_for_url(f"{live_server}/#/accueil")
        await page.wait_for_selector("text=Exercice 12 page 40")
        assert await page.locator("#child option").all_inner_texts() == ["Léa (4e A)", "Zoé (6e B)"]
        body = await page.inner_text("body")
        assert "QR" not in body and "Ajouter un profil" not in body
        [device] = await live_devices(family.parent)
        assert device["shared_session_id"] is not None and device["name"].endswith("(partagé)")

        # Accueil in two columns: lessons on the left, homework and news on the right.
        today_box = await page.locator(".home-today").bounding_box()
        homework_box = await page.locator(".home-homework").bounding_box()
        info_box = await page.locator(".home-info").bounding_box()
        assert homework_box["x"] > today_box["x"] + today_box["width"] and abs(homework_box["y"] - today_box["y"]) < 2
        assert info_box["x"] == homework_box["x"] and info_box["y"] > homework_box["y"]
        assert today_box["width"] + homework_box["width"] > 900  # not a phone column
        await check_screen(page, "pwa-accueil-ordinateur", sizes=(DESKTOP, (360, 740)))

        # The timetable is the week, a column per day, each lesson at its hour.
        await page.goto(f"{live_server}/#/edt")
        await page.wait_for_selector(".week .day >> nth=4")
        columns = [box["x"] for box in [await d.bounding_box() for d in await page.locator(".week .day").all()]]
        assert len(columns) == 5 and columns == sorted(columns) and columns[1] - columns[0] > 120
        monday = page.locator(".week .day").first.locator(".lesson")
        eight, ten = [await lesson.bounding_box() for lesson in await monday.all()][:2]
        assert ten["y"] - eight["y"] == pytest.approx(2 * 72, abs=2)
        await check_screen(page, "pwa-edt-semaine-ordinateur", sizes=(DESKTOP,))
        await page.emulate_media(color_scheme="dark")
        await check_screen(page, "pwa-edt-semaine-ordinateur-sombre", sizes=(DESKTOP,))
        await page.goto(f"{live_server}/#/accueil")
        await page.wait_for_selector("text=Exercice 12 page 40")
        await check_screen(page, "pwa-accueil-ordinateur-sombre", sizes=(DESKTOP,))
        await page.emulate_media(color_scheme="light")

        # Homework: the work on the left, its facts beside it, the lesson's content open.
        await page.goto(f"{live_server}/#/devoirs")
        card = page.locator("[data-homework]").first
        await card.wait_for()
        work, facts = await card.locator(".rich").first.bounding_box(), await card.locator(".facts-side").bounding_box()
        assert facts["x"] > work["x"] + work["width"]
        await check_screen(page, "pwa-devoirs-ordinateur", sizes=(DESKTOP,))

        # A shared computer: nothing of it ever reached the disk (no record, key, token, name or data).
        assert nothing_stored(await page.evaluate(STORED)) and writes == []

        # A reload opens it again from the espace session: a new device, the page's one revoked.
        await page.reload()
        await page.wait_for_selector("text=Exercice 12 page 40")
        assert [d["id"] for d in await live_devices(family.parent)] != [device["id"]]
        assert len(await live_devices(family.parent)) == 1
        assert nothing_stored(await page.evaluate(STORED)) and writes == []

        # "Se déconnecter" in the app: back to the espace's sign-in, nothing left, the device revoked.
        await page.get_by_role("button", name="Se déconnecter").click()
        await page.wait_for_url(f"{live_server}/espace/index.html")
        await assert_forgotten(page, family.parent)
        assert (await page.evaluate("() => fetch('/api/session').then((r) => r.status)")) == 401
    finally:
        await context.close()


async def test_signing_out_of_the_espace_forgets_a_shared_profile_but_not_a_personal_one(browser, live_server):
    family = await family_week()
    context, page = await espace_context(browser, live_server, family.parent, viewport=DESKTOP)
    try:
        # Shared, opened from the Application mobile page this time.
        await page.goto(f"{live_server}/espace/application-mobile.html")
        section = page.locator("#here")
        await section.get_by_role("button", name="Ouvrir Cartable sur cet ordinateur").click()
        await page.wait_for_url(f"{live_server}/#/accueil")
        await page.wait_for_selector("text=Exercice 12 page 40")
        # Signing out in the portal's tab: the tab still showing Cartable leaves the child's screens too.
        portal = await context.new_page()
        await portal.goto(f"{live_server}/espace/portail.html")
        await portal.get_by_role("button", name="Se déconnecter").click()
        await portal.wait_for_url(f"{live_server}/espace/index.html")
        await page.wait_for_url(f"{live_server}/espace/index.html")
        await assert_forgotten(page, family.parent)
        await portal.close()

        # Personal: kept offline like a phone, and still there after signing out of the espace.
        from api.auth.sessions import cookie_name, open_session

        token, _ = await open_session(user_id=family.parent.id, school_id=family.parent.school_id)
        await context.add_cookies([{"name": cookie_name(), "value": token, "url": live_server}])
        await open_from_portal(page, live_server, personal=True)
        await page.wait_for_selector("text=Exercice 12 page 40")
        stored = await page.evaluate(STORED)
        assert stored["devices"] == {"profiles": 1} and stored["cache"]["snapshots"] > 0
        assert not await page.get_by_role("button", name="Se déconnecter").count()
        await page.goto(f"{live_server}/espace/portail.html")
        await page.get_by_role("button", name="Se déconnecter").click()
        await page.wait_for_url(f"{live_server}/espace/index.html")
        await page.goto(f"{live_server}/#/accueil")
        await page.wait_for_selector("text=Exercice 12 page 40")
        [device] = await live_devices(family.parent)
        assert device["shared_session_id"] is None

        # "Partagé" chosen on a computer that holds a personal profile: a shared one, not the personal one.
        token, _ = await open_session(user_id=family.parent.id, school_id=family.parent.school_id)
        await context.add_cookies([{"name": cookie_name(), "value": token, "url": live_server}])
        await page.goto(f"{live_server}/espace/application-mobile.html")
        await page.locator("#here").get_by_role("button", name="Ouvrir Cartable sur cet ordinateur").click()
        await page.wait_for_url(f"{live_server}/#/accueil")
        await page.get_by_role("button", name="Se déconnecter").wait_for()
        devices = await live_devices(family.parent)
        assert sorted(d["shared_session_id"] is not None for d in devices) == [False, True]
    finally:
        await context.close()


async def test_a_shared_profile_goes_when_the_browser_session_ends_or_after_idling(browser, live_server):
    family = await family_week()
    context, page = await espace_context(browser, live_server, family.parent, viewport=DESKTOP)
    try:
        writes = await watch_disk(context)
        await open_from_portal(page, live_server)
        await page.wait_for_selector("text=Exercice 12 page 40")
        assert len(await live_devices(family.parent)) == 1
        # Its tab is closed (or the browser): the profile went with the page's memory, its device is revoked.
        await page.close()
        for _ in range(50):
            if not await live_devices(family.parent):
                break
            await asyncio.sleep(0.1)
        page = await context.new_page()
        await page.goto(f"{live_server}/#/accueil")
        await page.wait_for_selector("#screen-title:has-text('Ajouter un profil')")
        await assert_forgotten(page, family.parent)
        assert "Exercice 12" not in await page.inner_text("body") and writes == []

        # Left alone for 15 minutes: Cartable forgotten (back to the portal: the espace session has its own
        # time-out), nothing left.
        await page.clock.install()
        await open_from_portal(page, live_server)
        await page.wait_for_selector("text=Exercice 12 page 40")
        await page.clock.fast_forward("14:00")
        assert page.url.endswith("/#/accueil")
        await page.mouse.move(10, 10)
        await page.mouse.down()  # any input restarts the 15 minutes
        await page.mouse.up()
        await page.clock.fast_forward("14:00")
        await page.wait_for_timeout(1000)  # real time: a sign-out would have gone through by now
        assert page.url.endswith("/#/accueil") and len(await live_devices(family.parent)) == 1
        await page.clock.fast_forward("02:00")
        await page.wait_for_url(f"{live_server}/espace/portail.html")
        await assert_forgotten(page, family.parent)
        assert (await page.evaluate("() => fetch('/api/session').then((r) => r.status)")) == 200
    finally:
        await context.close()


async def test_the_keyboard_opens_cartable_here_and_goes_round_the_desktop_app(browser, live_server):
    family = await family_week()
    context, page = await espace_context(browser, live_server, family.parent, viewport=DESKTOP)
    try:
        await page.goto(f"{live_server}/espace/portail.html")
        button = page.get_by_role("button", name="Ouvrir sur cet ordinateur")
        await button.focus()
        await page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Ouvrir Cartable sur cet ordinateur")
        # Focus is in the dialog, on the preselected choice; arrows change it; Escape leaves.
        await page.wait_for_function("() => document.activeElement.id === 'oh-shared'")
        await page.keyboard.press("ArrowDown")
        assert await dialog.get_by_label("Mon ordinateur personnel").is_checked()
        await page.keyboard.press("ArrowUp")
        await page.keyboard.press("Escape")
        assert not await dialog.is_visible()
        await button.focus()
        await page.keyboard.press("Enter")
        await page.wait_for_function("() => document.activeElement.id === 'oh-shared'")
        await page.keyboard.press("Tab")
        ring = await page.evaluate(FOCUS_RING)
        assert ring["text"] == "Ouvrir Cartable sur cet ordinateur" and ring["style"] != "none" and ring["width"] >= 2
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{live_server}/#/accueil")
        await page.wait_for_selector("text=Exercice 12 page 40")
        assert (await live_devices(family.parent))[0]["shared_session_id"] is not None  # the default, kept

        # In the app: skip link, then the top bar (child, profile, settings, sign-out), then the side rail.
        await page.reload()
        await page.wait_for_selector("text=Exercice 12 page 40")
        await page.keyboard.press("Tab")
        assert (await page.evaluate(FOCUS_RING))["text"] == "Aller au contenu"
        reached = []
        for _ in range(12):
            await page.keyboard.press("Tab")
            ring = await page.evaluate(FOCUS_RING)
            assert ring["style"] != "none" and ring["width"] >= 2, ring
            reached.append(ring["text"] or ring["id"])
        assert "Se déconnecter" in reached and "✎Devoirs" in reached and "▦EDT" in reached
        await page.focus("#tabs a[href='#/edt']")
        await page.keyboard.press("Enter")
        await page.wait_for_selector(".week")
    finally:
        await context.close()


# Where each part of a screen is, as drawn: [{name, x, y, width, height}].
BOXES = """(selector) => [...document.querySelectorAll(selector)].map((node) => {
  const box = node.getBoundingClientRect();
  return { name: node.className, x: box.x, y: box.y, width: box.width, height: box.height };
})"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """The pairs of boxes that cover one another (a shared edge is not an overlap)."""
    return [
        (a["name"], b["name"])
        for n, a in enumerate(boxes)
        for b in boxes[n + 1 :]
        if a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1
        and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1
    ]  # fmt: skip


async def parity_school(new_client):
    """Issue #14's school (tests/parity_builders.py): lessons today and tomorrow in both classes, a homework
    of 4e A to hand in online, unread news for Lucas (4e A), menus, events, the alert button on and a
    published bulletin."""
    s = await setup()
    for teacher, class_ref in ((s.teacher, s.class_4a), (s.other_teacher, s.class_5a)):
        for day in (today(), today() + timedelta(days=1)):
            await make_lesson(teacher, s.maths, class_ref=class_ref, day=day, hour=9)
    homework = await _to_hand_in(new_client, s)
    await make_post(s.teacher, [s.student], title="Brevet blanc")
    await _menus_and_events(new_client, s)
    admin = await signed_in(new_client, s.admin)
    settings = {"enabled": True, "recipient_ids": [str(s.staff.id)]}
    assert (await admin.put("/api/school/alerts/settings", json=settings)).is_success
    await _published_bulletin(new_client, s)
    return s, homework


async def desktop_profile(browser, live_server, user):
    """A browser at desktop width with `user`'s profile (paired as a phone would be)."""
    context = await browser_context(browser, viewport=DESKTOP)
    page = await context.new_page()
    await pair_in_browser(page, live_server, user, "Ordinateur")
    return context, page


async def home_boxes(page) -> dict[str, dict]:
    """Accueil's parts (and each alert) as drawn, none covering another."""
    boxes = await page.evaluate(BOXES, ".home > *")
    assert overlaps(boxes) == [] and overlaps(await page.evaluate(BOXES, ".home .alert")) == []
    return {box["name"].split()[-1]: box for box in boxes}


def below(lower: dict, upper: dict) -> bool:
    return lower["y"] >= upper["y"] + upper["height"] - 1


async def test_accueil_at_desktop_width_gives_each_part_its_own_place(browser, live_server, new_client):
    s, _ = await parity_school(new_client)

    # Lucas: a news item unread and a work to hand in, side by side above everything else.
    context, page = await desktop_profile(browser, live_server, s.student)
    try:
        await page.goto(f"{live_server}/#/accueil")
        await page.wait_for_selector(".home-events >> text=Sortie au musée des Beaux-Arts")
        alerts = page.locator(".home .alert")
        assert await alerts.all_inner_texts() == ["1 information non lue", "1 travail à rendre en ligne"]
        unread, hand_ins = [await alert.bounding_box() for alert in await alerts.all()]
        assert hand_ins["x"] >= unread["x"] + unread["width"] and hand_ins["y"] == unread["y"]  # side by side
        parts = await home_boxes(page)
        assert list(parts) == ["home-alerts", "home-links", "home-today", "home-homework", "home-tomorrow",
                               "home-canteen", "home-events", "home-info"]  # fmt: skip
        assert below(parts["home-links"], parts["home-alerts"]) and below(parts["home-today"], parts["home-links"])
        assert parts["home-homework"]["y"] == parts["home-today"]["y"]
        order = (("tomorrow", "today"), ("canteen", "homework"), ("events", "tomorrow"), ("info", "canteen"))
        for lower, upper in order:
            assert below(parts[f"home-{lower}"], parts[f"home-{upper}"]), (lower, upper)
        await check_screen(page, "pwa-accueil-eleve-ordinateur", sizes=(DESKTOP,))
    finally:
        await context.close()

    # Inès (5e A): nothing unread, nothing to hand in. The canteen and the events stay below the lessons.
    context, page = await desktop_profile(browser, live_server, s.student_5a)
    try:
        await page.goto(f"{live_server}/#/accueil")
        await page.wait_for_selector(".home-events >> text=Conseil de classe de 5e A")
        parts = await home_boxes(page)
        assert "home-alerts" not in parts
        assert below(parts["home-today"], parts["home-links"])
        for lower, upper in (("canteen", "today"), ("canteen", "homework"), ("events", "tomorrow")):
            assert below(parts[f"home-{lower}"], parts[f"home-{upper}"]), (lower, upper)
        await check_screen(page, "pwa-accueil-eleve-sans-alerte-ordinateur", sizes=(DESKTOP,))
    finally:
        await context.close()


async def test_the_canteen_bulletin_hand_in_and_alert_screens_use_the_desktop_width(browser, live_server, new_client):
    s, homework = await parity_school(new_client)
    context, page = await desktop_profile(browser, live_server, s.student)
    try:
        # Cantine: the week, a column per day.
        await page.goto(f"{live_server}/#/cantine")
        await page.locator(".menu .badge", has_text="Menu végétarien").first.wait_for()
        days = await page.evaluate(BOXES, "main .menu")
        assert len(days) >= 5 and overlaps(days) == []
        week = days[:5]
        assert [day["x"] for day in week] == sorted(day["x"] for day in week) and len({day["y"] for day in week}) == 1
        assert all(day["width"] > 150 for day in week) and week[4]["x"] - week[0]["x"] > 700
        await check_screen(page, "pwa-cantine-ordinateur", sizes=(DESKTOP,))

        # Bulletin: the subjects as a table (the phone's cards are for phones).
        await page.goto(f"{live_server}/#/bulletins/{s.period.id}")
        table = page.get_by_role("table")
        await table.locator("text=Très bon trimestre, participation active.").wait_for()
        assert await table.locator("thead th").all_inner_texts() == ["Matière", "Élève", "Classe", "Appréciation"]
        row = table.locator("tbody tr")
        assert await row.count() == 1 and await row.locator("th").get_attribute("scope") == "row"
        assert (await row.locator("td").all_inner_texts())[:2] == ["15/20", "13/20"]
        assert not await page.locator(".bulletin article.card").first.is_visible()
        assert (await table.bounding_box())["width"] > 1000
        await check_screen(page, "pwa-bulletin-ordinateur", sizes=(DESKTOP,))
        await page.set_viewport_size({"width": 360, "height": 740})  # a phone: the cards, no table
        assert await page.locator(".bulletin article.card").first.is_visible() and not await table.is_visible()
        await page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})

        # Rendre: the work on the left, the form beside it at a readable width.
        await page.goto(f"{live_server}/#/rendre/{homework.id}")
        await page.wait_for_selector("text=Rendre mon travail")
        work = await page.locator("main article.card").bounding_box()
        form = await page.locator(".form", has_text="Rendre mon travail").bounding_box()
        assert form["x"] >= work["x"] + work["width"] and 300 < form["width"] < 520 and work["width"] > 500
        await page.wait_for_load_state("networkidle")
        await check_screen(page, "pwa-rendre-ordinateur", sizes=(DESKTOP,))

        # Signaler: the form at a readable width, the help and the alerts sent beside it.
        await page.goto(f"{live_server}/#/signaler")
        await page.wait_for_selector("text=Envoyer le signalement")
        form = await page.locator("main form").bounding_box()
        help_box = await page.locator("main .alert").bounding_box()
        assert 500 < form["width"] <= 40 * 17 + 1 and help_box["x"] >= form["x"] + form["width"]
        assert (await page.get_by_label("Ce qui se passe (qui, où, depuis quand)").bounding_box())["width"] < 700
        await check_screen(page, "pwa-signaler-ordinateur", sizes=(DESKTOP,))
    finally:
        await context.close()
