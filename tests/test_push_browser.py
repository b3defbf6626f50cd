"""Notifications and offline writes in headless Chromium.

Headless Chromium refuses `pushManager.subscribe()` (no push service to reach): the page's
subscribe() returns a subscription the test made itself (its own P-256 keys and auth secret, tests/
push_service.py), the server pushes to the tests' push service, which decrypts the message; the test
then delivers those bytes to the registered service worker through the DevTools protocol
(ServiceWorker.deliverPushMessage), checks the notification shows, and clicks it."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from db.communication.tables import InformationRecipient, Message, SurveyAnswer
from db.push.tables import PushSubscription
from db.vie_scolaire.tables import Absence
from tests.factories import make_family
from tests.family_builders import make_discussion, make_post, make_teacher_of
from tests.fixtures.api import sign_in
from tests.fixtures.browser import artifact
from tests.push_builders import deliver, in_days, lesson_today
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser

# The page's push subscription: the one the test made (headless Chromium has no push service).
FAKE_SUBSCRIBE = """
(subscription) => {
  const fake = { endpoint: subscription.endpoint, options: {}, toJSON: () => subscription,
                 unsubscribe: async () => true };
  PushManager.prototype.subscribe = async () => fake;
  PushManager.prototype.getSubscription = async () => null;
}
"""


SHOWN = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map((n) => ({ title: n.title, body: n.body, data: n.data }))"""


async def notifications_shown(page, script: str = SHOWN) -> list:
    """What the worker shows, once it shows something: a push wakes it, which takes seconds on a loaded
    machine (bounded at about 20 s)."""
    shown = []
    for _ in range(200):
        if shown := await page.evaluate(script):
            break
        await asyncio.sleep(0.1)
    return shown


# How many times the app asked for the permission (kept across the page's navigations).
COUNT_PERMISSION_REQUESTS = """
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => {
    sessionStorage.setItem('asked', String(Number(sessionStorage.getItem('asked') || 0) + 1));
    return ask(...args);
  };
}
"""
PERMISSION_REQUESTS = "() => Number(sessionStorage.getItem('asked') || 0)"


async def registration_id(cdp) -> str:
    found = asyncio.get_running_loop().create_future()

    def seen(event):
        for registration in event["registrations"]:
            if not registration["isDeleted"] and not found.done():
                found.set_result(registration["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    await cdp.send("ServiceWorker.enable")
    return await asyncio.wait_for(found, 10)


async def test_a_push_shows_a_notification_and_a_tap_opens_the_right_profile_child_and_screen(
    page, context, live_server, push_service
):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    subscription = push_service.subscription()
    await context.grant_permissions(["notifications"], origin=live_server)
    await page.add_init_script(COUNT_PERMISSION_REQUESTS)
    await page.goto(f"{live_server}/#/profils")
    await page.evaluate("() => navigator.serviceWorker.ready")
    await page.evaluate(FAKE_SUBSCRIBE, subscription)
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("#screen-title:has-text('Accueil')")
    assert await page.evaluate(PERMISSION_REQUESTS) == 0  # never on first open

    # Réglages: the permission is asked on a tap, the subscription reaches the server.
    await page.goto(f"{live_server}/#/reglages")
    await page.click("text=Activer les notifications")
    await page.wait_for_selector("text=Activées sur cet appareil pour ce profil.")
    assert await page.evaluate(PERMISSION_REQUESTS) == 1
    row = await PushSubscription.select().first()
    assert str(row["device_id"]) == parent_id and row["endpoint"] == subscription["endpoint"]
    await page.uncheck("#n-quiet")  # whatever the hour the test runs at
    await page.click("text=Enregistrer")
    await page.wait_for_selector("#toast:has-text('Réglages des notifications enregistrés.')")
    await page.screenshot(path=artifact("pwa-reglages-notifications-360.png"), full_page=True)

    # Another profile is shown when the news comes (the student's).
    student_id = await pair_in_browser(page, live_server, family.student, "Téléphone de Sophie")
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("#screen-title:has-text('Accueil')")

    # A teacher gives homework; the worker pushes it to the push service, which decrypts it.
    lesson = await lesson_today(type("S", (), {"teacher_4a": teacher, "subject": maths, "class_4a": family.class_ref}))
    async with httpx.AsyncClient(base_url=live_server) as desktop:
        await sign_in(desktop, teacher)
        given = await desktop.post("/api/school/homework", json={"lesson_id": str(lesson.id), "due_on": in_days(2),
                                                                "html": "<p>Exercice 7</p>"})  # fmt: skip
        assert given.status_code == 201, given.text
    assert (await deliver(family.school.id)).sent == 1
    (message,) = push_service.for_endpoint(subscription["endpoint"])
    assert message.payload["body"] == "Nouveau travail en mathématiques pour Léa"

    cdp = await context.new_cdp_session(page)
    push = {"origin": live_server, "registrationId": await registration_id(cdp), "data": json.dumps(message.payload)}
    await cdp.send("ServiceWorker.deliverPushMessage", push)
    shown = await notifications_shown(
        page,
        """async () => (await (await navigator.serviceWorker.ready)
        .getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }))""",
    )
    (notification,) = shown
    assert notification["title"] == "Cartable" and notification["body"] == message.payload["body"]
    assert notification["tag"] == message.payload["tag"] and notification["data"]["profile"] == parent_id

    # The tap: the worker opens "Travail à faire" of the parent's profile for Léa.
    (worker,) = context.service_workers
    await worker.evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification })); }""")
    await page.wait_for_function("() => location.hash === '#/devoirs'")
    await page.wait_for_selector("text=Exercice 7")
    assert await page.evaluate("() => localStorage.getItem('cartable.profile')") == parent_id != student_id
    assert await page.text_content(".profile-link") == "Changer de profil : Sophie"
    await page.screenshot(path=artifact("pwa-notification-ouverte-360.png"))


async def test_offline_writes_wait_then_go_and_a_discussion_closed_meanwhile_keeps_the_draft(
    page, context, live_server
):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    survey = await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    await make_post(teacher, [family.parent], title="Réunion parents-professeurs")
    await pair_in_browser(page, live_server, family.parent)
    for route, ready in ((f"messages/d/{discussion.id}", "Léa a progressé"), ("messages/infos", "Sortie au théâtre"),
                         ("vie-scolaire", "Signaler une absence")):  # fmt: skip
        await page.goto(f"{live_server}/#/{route}")
        await page.wait_for_selector(f"text={ready}")
        await page.wait_for_load_state("networkidle")

    await context.set_offline(True)
    await context.route("**/api/**", lambda route: route.abort())
    await page.goto(f"{live_server}/#/messages/d/{discussion.id}")
    await page.fill("#reply", "Merci, nous en parlerons jeudi.")
    await page.click("form.reply button[type=submit]")
    await page.wait_for_selector(".messages li.mine .waiting")
    await page.goto(f"{live_server}/#/messages/infos")
    await page.click("summary:has-text('Sortie au théâtre')")
    await page.check("input[type=radio][value='0']")
    await page.click("text=Répondre")
    await page.wait_for_selector("text=Votre réponse : En attente d’envoi")
    await page.click("summary:has-text('Réunion parents-professeurs')")
    await page.click("text=J'ai pris connaissance")
    await page.wait_for_selector("text=Pris en compte · En attente d’envoi")
    await page.goto(f"{live_server}/#/vie-scolaire")
    await page.fill("#abs-reason", "Rendez-vous chez l'orthodontiste")
    await page.click("form.card button[type=submit]")
    await page.wait_for_selector("#toast:has-text('dès le retour du réseau')")
    await page.reload()  # still there after a restart, offline
    await page.wait_for_selector("text=Rendez-vous chez l'orthodontiste")
    assert await page.locator(".waiting").count() == 1
    await page.screenshot(path=artifact("pwa-envois-en-attente-360.png"))
    assert await Message.count() == 1 and await SurveyAnswer.count() == 0 and await Absence.count() == 0

    # Meanwhile the teacher closes the discussion.
    async with httpx.AsyncClient(base_url=live_server) as desktop:
        await sign_in(desktop, teacher)
        assert (await desktop.post(f"/api/school/discussions/{discussion.id}/close")).status_code == 200

    await context.unroute("**/api/**")
    await context.set_offline(False)
    # Sent on the online event, or at the latest by the outbox's 30-second retry (a loaded CI machine).
    await page.wait_for_selector("#toast:has-text('Non envoyé')", timeout=45_000)
    for _ in range(100):
        if await Absence.count() == 1 and await SurveyAnswer.count() == 1:
            break
        await asyncio.sleep(0.1)
    assert [row["reason"] for row in await Absence.select(Absence.reason)] == ["Rendez-vous chez l'orthodontiste"]
    acknowledged = await InformationRecipient.select().where(InformationRecipient.acknowledged_at.is_not_null())
    assert len(acknowledged) == 1 and await SurveyAnswer.count() == 1
    assert await Message.count() == 1  # refused: the discussion is closed

    # What was typed is still on screen, with the reason, until it is let go.
    await page.goto(f"{live_server}/#/messages/d/{discussion.id}")
    await page.wait_for_selector(".card.refused:has-text('Merci, nous en parlerons jeudi.')")
    assert "close" in await page.text_content(".card.refused .refused-reason")
    await page.wait_for_selector("text=Discussion close : on ne peut plus y répondre.")  # once fresh from the server
    await page.screenshot(path=artifact("pwa-discussion-close-brouillon-360.png"))
    await page.click(".card.refused button:has-text('Supprimer')")
    await page.wait_for_function("() => !document.querySelector('.card.refused')")
    assert survey.id and await page.locator(".waiting").count() == 0


async def enable_notifications(page, live_server, subscription) -> None:
    """Réglages › Activer les notifications, with the subscription the test made (FAKE_SUBSCRIBE)."""
    await page.evaluate("() => navigator.serviceWorker.ready")
    await page.evaluate(FAKE_SUBSCRIBE, subscription)
    await page.goto(f"{live_server}/#/reglages")
    await page.click("text=Activer les notifications")
    await page.wait_for_selector("text=Activées sur cet appareil pour ce profil.")


async def endpoints() -> list[str]:
    return [row["endpoint"] for row in await PushSubscription.select(PushSubscription.endpoint)]


async def eventually(check, timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    assert await check()


async def test_a_subscription_the_push_service_replaced_reaches_the_server_without_opening_reglages(
    page, context, live_server, push_service
):
    family = await make_family()
    first, second, third = (push_service.subscription() for _ in range(3))
    await context.grant_permissions(["notifications"], origin=live_server)
    await page.goto(f"{live_server}/#/profils")
    await pair_in_browser(page, live_server, family.parent)
    await enable_notifications(page, live_server, first)
    assert await endpoints() == [first["endpoint"]]

    # The push service rotates the subscription: the worker subscribes again and the open app sends it.
    (worker,) = context.service_workers
    await page.evaluate(FAKE_SUBSCRIBE.replace("async () => null", "async () => fake"), second)
    await worker.evaluate(
        """(subscription) => {
        const fake = { endpoint: subscription.endpoint, options: {}, toJSON: () => subscription };
        PushManager.prototype.subscribe = async () => fake;
        const change = new Event('pushsubscriptionchange');
        change.oldSubscription = { options: { applicationServerKey: new Uint8Array(65) } };
        self.dispatchEvent(change); }""",
        second,
    )
    await eventually(lambda: endpoints_are([second["endpoint"]]))

    # Changed with no window open (or the worker could not subscribe): the app's next start sends it.
    await page.add_init_script(
        f"({FAKE_SUBSCRIBE.replace('async () => null', 'async () => fake')})({json.dumps(third)})"
    )
    await page.goto(f"{live_server}/#/accueil")
    await page.reload()
    await eventually(lambda: endpoints_are([third["endpoint"]]))


async def endpoints_are(expected: list[str]) -> bool:
    return await endpoints() == expected


# The browser's subscription: `old`, made with another server key (65 bytes that are not the server's
# key), until subscribe() makes `fresh` with the key it is given (kept across reloads, as a browser keeps
# its subscription). Each call is kept in sessionStorage.
OTHER_KEY_SUBSCRIPTION = """
([old, fresh]) => {
  const record = (call) => sessionStorage.setItem('push-calls',
    JSON.stringify([...JSON.parse(sessionStorage.getItem('push-calls') || '[]'), call]));
  const made = (subscription, key) => ({ endpoint: subscription.endpoint, options: { applicationServerKey: key },
    toJSON: () => subscription, unsubscribe: async () => { record('unsubscribe'); current = null; return true; } });
  const kept = JSON.parse(sessionStorage.getItem('push-key'));
  let current = kept ? made(fresh, new Uint8Array(kept).buffer) : made(old, new Uint8Array(65).fill(4).buffer);
  PushManager.prototype.getSubscription = async () => current;
  PushManager.prototype.subscribe = async ({ applicationServerKey }) => {
    const bytes = [...new Uint8Array(applicationServerKey)];
    const base64 = btoa(String.fromCharCode(...bytes));
    record(`subscribe ${base64.replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '')}`);
    sessionStorage.setItem('push-key', JSON.stringify(bytes));
    current = made(fresh, applicationServerKey);
    return current;
  };
}
"""


async def test_a_subscription_made_with_another_server_key_is_made_anew_when_the_app_starts(
    page, context, live_server, push_service
):
    """The server's VAPID key changed (its data directory wiped, say): the browser's subscription, at the
    address the profile last sent, is useless (pushes signed with the new key are refused). At start the
    app compares the keys, unsubscribes, subscribes with the server's key and sends the new subscription."""
    from api.push.keys import public_key

    family = await make_family()
    old, fresh = push_service.subscription(), push_service.subscription()
    await context.grant_permissions(["notifications"], origin=live_server)
    await page.goto(f"{live_server}/#/profils")
    await pair_in_browser(page, live_server, family.parent)
    await enable_notifications(page, live_server, old)
    assert await endpoints() == [old["endpoint"]]

    await page.add_init_script(f"({OTHER_KEY_SUBSCRIPTION})({json.dumps([old, fresh])})")
    await page.goto(f"{live_server}/#/accueil")
    await page.reload()
    await eventually(lambda: endpoints_are([fresh["endpoint"]]))
    calls = await page.evaluate("() => JSON.parse(sessionStorage.getItem('push-calls'))")
    assert calls == ["unsubscribe", f"subscribe {public_key()}"]

    # Made anew once: the next start finds a subscription with the server's key and leaves it alone.
    await page.evaluate("() => sessionStorage.removeItem('push-calls')")
    await page.reload()
    await page.wait_for_selector("#screen-title:has-text('Accueil')")
    await page.wait_for_load_state("networkidle")
    assert await page.evaluate("() => sessionStorage.getItem('push-calls')") is None
    assert await endpoints() == [fresh["endpoint"]]


async def deliver_to_worker(page, context, payload: dict) -> None:
    cdp = await context.new_cdp_session(page)
    push = {"origin": page.url.split("/#")[0].rstrip("/"), "registrationId": await registration_id(cdp),
            "data": json.dumps(payload)}  # fmt: skip
    await cdp.send("ServiceWorker.deliverPushMessage", push)


async def test_a_profile_removed_offline_is_unpaired_once_online_and_its_pushes_show_nothing_of_it(
    page, context, live_server
):
    from db.devices.tables import Device

    family = await make_family()
    await context.grant_permissions(["notifications"], origin=live_server)
    parent_id = await pair_in_browser(page, live_server, family.parent)
    await page.goto(f"{live_server}/#/reglages")
    await page.wait_for_selector("text=Retirer ce profil")
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await context.set_offline(True)
    await page.click("text=Retirer ce profil")
    await page.wait_for_selector("text=Aucun profil sur cet appareil.")  # gone from the phone at once, its data too
    live = Device.select(Device.id).where((Device.id == parent_id) & Device.revoked_at.is_null())
    assert len(await live) == 1  # the server could not hear it yet

    # A push for it meanwhile: the generic line, nothing of the profile or the child.
    news = {"title": "Cartable", "body": "Nouveau travail en mathématiques pour Léa", "profile": parent_id,
            "child": str(family.student.id), "screen": "devoirs"}  # fmt: skip
    await deliver_to_worker(page, context, news)
    shown = await notifications_shown(page)
    assert shown == [{"title": "Cartable", "body": "Du nouveau dans Cartable.", "data": {}}]
    kept = await page.evaluate("""() => new Promise((resolve) => { indexedDB.open('cartable-devices').onsuccess =
        (e) => { e.target.result.transaction('profiles').objectStore('profiles').getAll().onsuccess =
        (r) => resolve(r.target.result.map((p) => Object.keys(p).sort())); }; })""")
    assert len(kept) == 1 and "displayName" not in kept[0] and "children" not in kept[0] and "removing" in kept[0]

    # Back online: the removal reaches the server, and nothing of the profile is left here.
    await context.set_offline(False)
    await eventually(lambda: no_rows(live))
    await eventually(lambda: page_has_no_profile_record(page))


async def no_rows(query) -> bool:
    return len(await query) == 0


async def page_has_no_profile_record(page) -> bool:
    return await page.evaluate("""() => new Promise((resolve) => { indexedDB.open('cartable-devices').onsuccess =
        (e) => { e.target.result.transaction('profiles').objectStore('profiles').count().onsuccess =
        (r) => resolve(r.target.result === 0); }; })""")


async def test_a_notification_tapped_with_no_window_open_opens_the_right_profile_child_and_screen(
    page, context, live_server
):
    from tests.factories import enrol, link_parent, make_class, make_user

    family = await make_family()
    hugo = await make_user(family.school, "student", first_name="Hugo")
    await enrol(hugo, await make_class(family.school, "6e B"))
    await link_parent(family.parent, hugo)
    await context.grant_permissions(["notifications"], origin=live_server)
    parent_id = await pair_in_browser(page, live_server, family.parent, "Téléphone de Sophie")
    await pair_in_browser(page, live_server, family.student, "Téléphone de Sophie")  # the one shown last
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("#screen-title:has-text('Accueil')")
    news = {"title": "Cartable", "body": "Nouvelle absence pour Hugo", "tag": "t1", "profile": parent_id,
            "child": str(hugo.id), "screen": "vie-scolaire"}  # fmt: skip
    await deliver_to_worker(page, context, news)
    assert await notifications_shown(page)
    (worker,) = context.service_workers
    await page.close()  # no Cartable window left

    # The tap: the worker opens a window on the address that names the profile, the child and the screen.
    # (A click dispatched by script may not open a window: the browser's part, opening that address, is
    # played by the test.)
    address = await worker.evaluate("""async () => {
        const opened = new Promise((resolve) => { self.clients.openWindow = async (url) => resolve(url); });
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
        return opened; }""")
    assert address == f"/?profil={parent_id}&enfant={hugo.id}#/vie-scolaire"
    opened = await context.new_page()
    await opened.goto(f"{live_server}{address}")
    await opened.wait_for_selector("#screen-title:has-text('Vie scolaire')")
    assert opened.url == f"{live_server}/#/vie-scolaire"  # the ids left the address bar
    assert await opened.evaluate("() => localStorage.getItem('cartable.profile')") == parent_id
    assert await opened.input_value("#child") == str(hugo.id)
    await opened.screenshot(path=artifact("pwa-notification-demarrage-360.png"))
