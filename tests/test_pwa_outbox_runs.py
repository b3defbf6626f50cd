"""The phone's outbox in the app's page: one sending run at a time, its answers told once, a write queued
while a run is under way leaves at once, and the redraw that follows an answer leaves the person's place
(the choice being made, the focus, what is typed and not sent) alone."""

from __future__ import annotations

import asyncio

import pytest

from db.communication.tables import Message, SurveyQuestion
from db.homework.tables import HomeworkDone
from tests.factories import make_family
from tests.family_builders import make_discussion, make_homework, make_post, make_teacher_of
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser

# Queue "Fait" for a homework through the app's own sync module (the one app.js listens to).
QUEUE_DONE = """([studentId, homeworkId]) => import('/js/sync.js').then((sync) => {
  const id = crypto.randomUUID();
  window.queued.push(sync.queueWrite(localStorage.getItem('cartable.profile'), {
    id, target: `done:${homeworkId}`, method: 'PUT', path: `/api/students/${studentId}/homework/${homeworkId}/done`,
    body: { done: true, changed_at: new Date().toISOString(), change_id: id } }));
})"""


class Held:
    """A route handler that holds the requests it gets until released (`arrived`: one is held)."""

    def __init__(self) -> None:
        self.arrived, self.released = asyncio.Event(), asyncio.Event()

    async def __call__(self, route) -> None:
        self.arrived.set()
        await self.released.wait()
        await route.continue_()


OUTBOX_EMPTY = "() => import('/js/outbox.js').then(async (m) => (await m.pending(localStorage.getItem('cartable.profile'))).length === 0)"


async def test_answers_are_told_once_and_a_write_queued_during_a_run_is_sent_at_once(page, live_server):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    first, second, third = [
        await make_homework(teacher, maths, class_ref=family.class_ref, due_in_days=days) for days in (1, 2, 3)
    ]
    await pair_in_browser(page, live_server, family.student)
    await page.goto(f"{live_server}/#/profils")
    await page.wait_for_selector("text=Profils sur cet appareil")
    await page.evaluate("""() => import('/js/sync.js').then((sync) => {
        window.told = []; window.queued = [];
        sync.onOutboxSent((news) => window.told.push(news.sent)); })""")

    # The server is slow to answer the first write: meanwhile the page is asked to send twice more (the
    # worker's Background Sync, the network back). One run, one answer told: one redraw of the screen.
    slow = Held()
    await page.route(f"**/homework/{first.id}/done", slow)
    await page.evaluate(QUEUE_DONE, [str(family.student.id), str(first.id)])
    await asyncio.wait_for(slow.arrived.wait(), 10)
    await page.evaluate("() => import('/js/sync.js').then((sync) => { sync.sendOutboxes(); sync.sendOutboxes(); })")
    slow.released.set()
    await page.evaluate("() => Promise.all(window.queued)")
    assert await HomeworkDone.count() == 1
    assert await page.evaluate("() => window.told") == [1]

    # A write queued while another is on its way is sent right after it, not left for later.
    slow = Held()
    await page.route(f"**/homework/{second.id}/done", slow)
    await page.evaluate(QUEUE_DONE, [str(family.student.id), str(second.id)])
    await asyncio.wait_for(slow.arrived.wait(), 10)
    await page.evaluate(QUEUE_DONE, [str(family.student.id), str(third.id)])
    slow.released.set()
    await page.evaluate("() => Promise.all(window.queued)")
    assert await HomeworkDone.count() == 3
    assert await page.evaluate("() => window.told") == [1, 1, 1]
    left = "() => import('/js/outbox.js').then((m) => m.pending(localStorage.getItem('cartable.profile')))"
    assert await page.evaluate(left) == []


async def test_opening_a_post_marks_it_read_once_and_the_choice_made_meanwhile_stays(page, live_server):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    await pair_in_browser(page, live_server, family.parent)
    reads = []
    page.on("request", lambda request: reads.append(request.method) if request.url.endswith("/read") else None)
    await page.goto(f"{live_server}/#/messages/infos")
    await page.click("summary:has-text('Sortie au théâtre')")
    await page.wait_for_selector("details[open] summary:has-text('Sortie au théâtre'):not(:has-text('Non lu'))")
    await page.check("input[type=radio][value='0']")
    await page.focus("input[type=radio][value='0']")
    # Once the outbox is empty and the screen had time to answer it, the read went once and nothing was
    # drawn again under the person's fingers (a redraw drops the choice and sends focus to the page).
    await page.wait_for_function(OUTBOX_EMPTY)
    await page.wait_for_timeout(1000)
    assert reads == ["POST"]
    assert await page.is_checked("input[type=radio][value='0']")
    assert await page.evaluate("() => document.activeElement.matches('input[type=radio]')")


async def test_what_is_typed_and_not_sent_stays_when_another_write_redraws_the_screen(page, live_server):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    survey = await make_post(teacher, [family.parent], title="Sortie au théâtre", survey=True)
    await SurveyQuestion.insert(
        SurveyQuestion(school_id=survey.school_id, post_id=survey.id, position=2, text="Une remarque ?", kind="text")
    )
    await make_post(teacher, [family.parent], title="Réunion parents-professeurs")
    await pair_in_browser(page, live_server, family.parent)
    answers = []
    page.on("request", lambda request: answers.append(request.url) if request.url.endswith("/answers") else None)
    await page.goto(f"{live_server}/#/messages/infos")
    for title in ("Sortie au théâtre", "Réunion parents-professeurs"):
        await page.click(f"summary:has-text('{title}')")
    await page.wait_for_function(OUTBOX_EMPTY)

    # Half-way through the survey, the parent acknowledges the other post: that write is queued, sent and
    # answered, and the screen is drawn again twice. The survey keeps the choice and the words, unsent.
    await page.check("input[type=radio][value='1']")
    await page.fill("textarea[aria-label='Une remarque ?']", "Il rentrera en bus.")
    await page.click('button:has-text("J\'ai pris connaissance")')
    await page.wait_for_selector("text=Lu et pris en compte")
    await page.wait_for_function(OUTBOX_EMPTY)
    await page.wait_for_timeout(500)
    assert await page.is_checked("input[type=radio][value='1']")
    assert await page.input_value("textarea[aria-label='Une remarque ?']") == "Il rentrera en bus."
    assert answers == []


async def test_a_reply_being_written_stays_when_the_discussion_arrives_from_the_server(page, live_server):
    family = await make_family()
    teacher, _ = await make_teacher_of(family)
    discussion = await make_discussion(teacher, family.parent, family.student)
    await pair_in_browser(page, live_server, family.parent)
    await page.goto(f"{live_server}/#/messages/d/{discussion.id}")
    await page.wait_for_selector("text=Léa a progressé")
    await page.goto(f"{live_server}/#/messages")
    await page.wait_for_selector("a:has-text('Progrès')")

    # The teacher writes again; the phone draws its stored copy at once, the parent starts a reply, and
    # only then does the server's answer (with the new message) arrive and get drawn.
    await Message.insert(
        Message(
            school_id=teacher.school_id, discussion_id=discussion.id, author_id=teacher.id, body="Et en anglais aussi."
        )
    )
    held = Held()
    await page.route(f"**/api/me/discussions/{discussion.id}", held)
    await page.click("a:has-text('Progrès')")
    await asyncio.wait_for(held.arrived.wait(), 10)
    await page.fill("#reply", "Merci, nous")
    held.released.set()
    await page.wait_for_selector("text=Et en anglais aussi.")
    assert await page.input_value("#reply") == "Merci, nous"
    await page.press("#reply", "End")
    await page.keyboard.type(" en parlerons.")
    await page.click("button:has-text('Envoyer')")
    await page.wait_for_selector("li.mine:has-text('Merci, nous en parlerons.')")
    assert await page.input_value("#reply") == ""
