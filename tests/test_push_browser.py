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
    shown = []
    for _ in range(100):
        shown = await page.evaluate("""async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }))""")
        if shown:
            break
        await asyncio.sleep(0.05)
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
