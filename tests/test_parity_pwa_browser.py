"""Issue #14 in the phone app, in Chromium: a student hands in a photo offline and it reaches the teacher
once back online; a parent reads a published bulletin and downloads its PDF on a paired phone; the
canteen's menus and the school events on Accueil, in the week and in the timetable; the alert button,
sent by a student from the keyboard, refused in French past the limit, and never shown to a parent."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

import pytest

from api.attachments import STORE
from db.alerts.tables import StudentAlert
from db.homework.tables import HomeworkAttachment
from db.submissions.tables import Submission, SubmissionFile
from tests.factories import make_family
from tests.family_builders import make_homework as make_family_homework
from tests.family_builders import make_teacher_of
from tests.fixtures.browser import FOCUS_RING, artifact, check_screen
from tests.parity_builders import (
    JPEG,
    PDF,
    espace,
    make_class_evaluation,
    make_homework,
    pdf_text,
    setup,
    signed_in,
    today,
)
from tests.test_family_parity_reads import add_event, publish_menus
from tests.test_pwa_browser import pair_in_browser
from tests.test_pwa_units import run

pytestmark = pytest.mark.browser


async def _to_hand_in(new_client, s, types=("pdf", "jpg")):
    homework = await make_homework(s.teacher, s.maths, s.class_4a)
    teacher = await signed_in(new_client, s.teacher)
    deadline = datetime.combine(today() + timedelta(days=3), time(18)).isoformat()
    response = await teacher.put(
        f"/api/school/homework/{homework.id}/hand-in", json={"deadline": deadline, "accepted_types": list(types)}
    )
    assert response.status_code == 200, response.text
    return homework


async def test_a_photo_handed_in_offline_reaches_the_teacher_once_back_online(
    page, context, browser, live_server, new_client, tmp_path
):
    s = await setup()
    homework = await _to_hand_in(new_client, s)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)
    await pair_in_browser(page, live_server, s.student, "Téléphone de Lucas")
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("text=1 travail à rendre en ligne")
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector(".hand-in >> text=Non rendu")
    await page.get_by_role("link", name="Rendre mon travail").click()
    await page.wait_for_selector("label:has-text('Prendre une photo')")
    assert await page.get_attribute("#hand-in-photo", "capture") == "environment"
    await page.wait_for_load_state("networkidle")
    await check_screen(page, "pwa-rendre-eleve")

    await context.set_offline(True)
    await page.set_input_files("#hand-in-photo", str(photo))
    await page.wait_for_selector("text=Fichiers rendus >> xpath=.. >> text=photo.jpg")
    await page.wait_for_selector(".card .badge:has-text('En attente d’envoi')")
    await page.screenshot(path=artifact("pwa-rendre-hors-ligne-360.png"))
    assert await Submission.count() == 0  # still on the phone
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector(".hand-in .badge:has-text('En attente d’envoi')")

    await context.set_offline(False)  # the "online" event sends the outbox
    await page.wait_for_selector(".hand-in .badge:has-text('Rendu le')", timeout=15_000)
    [file] = await SubmissionFile.select()
    assert (file["filename"], file["content_type"], file["kind"]) == ("photo.jpg", "image/jpeg", "work")
    await page.get_by_role("link", name="Rendre mon travail").click()
    await page.wait_for_selector("button:has-text('photo.jpg')")
    async with page.expect_download() as download_info:  # a signed (DPoP) download of my own file
        await page.get_by_role("button", name="Télécharger photo.jpg").click()
    with open(await (await download_info.value).path(), "rb") as downloaded:
        assert downloaded.read() == JPEG

    teacher_context, teacher = await espace(browser, live_server, s.teacher, "/espace/rendus.html")
    await teacher.locator("#homework button").first.click()
    await teacher.wait_for_selector("#copies >> text=1 rendue sur 2, dont 0 en retard")
    await teacher.wait_for_selector("#copies a >> text=photo.jpg")
    await teacher.get_by_label("Commentaire : Lucas Moreau").fill("Photo lisible, bon travail.")
    await teacher.get_by_role("button", name="Rendre la copie : Lucas Moreau").click()
    await teacher.wait_for_selector("#status >> text=Travail rendu à Lucas Moreau.")
    await teacher_context.close()

    await page.reload()
    await page.wait_for_selector("text=Photo lisible, bon travail.")
    assert await page.locator("#hand-in-photo").count() == 0  # returned: nothing more to hand in
    await page.screenshot(path=artifact("pwa-rendre-corrige-360.png"))
    await page.goto(f"{live_server}/#/devoirs")
    await page.wait_for_selector(".hand-in >> text=Corrigé · commentaire")
    assert homework.id


async def test_a_parent_reads_where_the_child_stands_without_handing_in(page, live_server, new_client):
    s = await setup()
    homework = await _to_hand_in(new_client, s)
    await pair_in_browser(page, live_server, s.parent)
    await page.goto(f"{live_server}/#/rendre/{homework.id}")
    await page.wait_for_selector(".card .badge:has-text('Non rendu')")
    assert await page.locator("input[type=file]").count() == 0


async def test_a_homework_attachment_downloads_on_a_paired_phone(page, live_server):
    family = await make_family()
    teacher, maths = await make_teacher_of(family)
    homework = await make_family_homework(teacher, maths, class_ref=family.class_ref, attachment="fiche.pdf")
    [row] = await HomeworkAttachment.select().where(HomeworkAttachment.homework_id == homework.id)
    stored = STORE / str(family.school.id) / row["storage_key"]
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(PDF)
    await pair_in_browser(page, live_server, family.parent)  # no session cookie: only the signed fetch works
    await page.goto(f"{live_server}/#/devoirs")
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="fiche.pdf").click()
    with open(await (await download_info.value).path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    stored.unlink()


async def _published_bulletin(new_client, s):
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 15), (s.classmate, 11)])
    teacher, staff, admin = [await signed_in(new_client, u) for u in (s.teacher, s.staff, s.admin)]
    entries = [{"student_id": str(s.student.id), "text": "Très bon trimestre, participation active."}]
    appreciation = {"subject_id": str(s.maths.id), "class_id": str(s.class_4a.id), "entries": entries}
    assert (await teacher.put(f"/api/school/bulletins/{s.period.id}/appreciations", json=appreciation)).is_success
    council = {"entries": [{"student_id": str(s.student.id), "appreciation": "Bravo.", "mention": "compliments"}]}
    url = f"/api/school/bulletins/{s.period.id}/classes/{s.class_4a.id}/council"
    assert (await staff.put(url, json=council)).is_success
    publication = {"visible_from": str(today()), "class_ids": [str(s.class_4a.id)]}
    assert (await admin.put(f"/api/school/bulletins/{s.period.id}/publication", json=publication)).is_success


async def test_a_parent_reads_a_published_bulletin_and_downloads_its_pdf_on_a_paired_phone(
    page, live_server, new_client
):
    s = await setup()
    await _published_bulletin(new_client, s)
    await pair_in_browser(page, live_server, s.parent)
    await page.goto(f"{live_server}/#/notes")
    await page.get_by_role("link", name="Bulletins").click()
    await page.get_by_role("link", name="Bulletin du Trimestre 1").click()
    await page.wait_for_selector("text=Très bon trimestre, participation active.")
    text = await page.inner_text("main")
    assert "Moyenne générale : 15/20" in text and "Compliments" in text and "Moyenne de la classe : 13/20" in text
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Télécharger le PDF").click()
    download = await download_info.value
    assert download.suggested_filename == "bulletin-Trimestre-1-Lucas-Moreau.pdf"
    with open(await download.path(), "rb") as pdf:
        assert "Lucas Moreau" in pdf_text(pdf.read())


async def _menus_and_events(new_client, s):
    staff = await signed_in(new_client, s.staff)
    days = [today() + timedelta(days=n) for n in range(3)]
    for monday in sorted({d - timedelta(days=d.weekday()) for d in days}):
        await publish_menus(staff, [d for d in days if d - timedelta(days=d.weekday()) == monday])
    morning = {"starts_at": "09:00:00", "ends_at": "16:00:00"}
    await add_event(
        staff, "Sortie au musée des Beaux-Arts", today() + timedelta(days=1), class_ids=[str(s.class_4a.id)], **morning
    )
    await add_event(staff, "Conseil de classe de 5e A", today() + timedelta(days=1), class_ids=[str(s.class_5a.id)])


async def test_canteen_and_events_on_accueil_in_the_week_and_in_the_timetable(page, context, live_server, new_client):
    s = await setup()
    await _menus_and_events(new_client, s)
    await pair_in_browser(page, live_server, s.parent)
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector(".menu >> text=Aujourd’hui")
    await page.wait_for_selector("text=Sortie au musée des Beaux-Arts")
    assert await page.locator(".menu", has_text=f"Plat du {today():%d}").count() == 1
    assert not await page.is_visible("text=Conseil de classe de 5e A")  # another class's
    assert not await page.is_visible("text=Signaler un harcèlement")  # never for a parent
    await page.wait_for_load_state("networkidle")
    await check_screen(page, "pwa-accueil-cantine-agenda")

    await page.get_by_role("link", name="Menus de la semaine").click()
    await page.wait_for_url("**/#/cantine")
    # Accueil shows today's menu (badges, allergens) too: read the week's screen itself, once drawn.
    await page.locator(".canteen-week .badge", has_text="Menu végétarien").first.wait_for()
    await page.locator(".canteen-week", has_text="Allergènes : Œufs, Moutarde").wait_for()
    await page.goto(f"{live_server}/#/edt/{today() + timedelta(days=1)}")
    await page.wait_for_selector(".event >> text=Sortie au musée des Beaux-Arts")
    assert "09h00–16h00" in await page.inner_text(".event")

    await context.set_offline(True)  # read once, the week's menus are on the phone
    await page.goto(f"{live_server}/#/cantine")
    await page.locator(".canteen-week", has_text=f"Plat du {today():%d}").wait_for()


async def test_a_student_sends_an_alert_a_parent_never_sees_it(page, live_server, new_client):
    s = await setup()
    admin = await signed_in(new_client, s.admin)
    settings = {"enabled": True, "recipient_ids": [str(s.staff.id)]}
    assert (await admin.put("/api/school/alerts/settings", json=settings)).is_success
    await pair_in_browser(page, live_server, s.student, "Téléphone de Lucas")
    await page.goto(f"{live_server}/#/accueil")
    await page.get_by_role("link", name="Signaler un harcèlement").click()
    await page.wait_for_selector("text=seules les personnes désignées par ton établissement")

    # From the keyboard alone, with a visible focus.
    await page.get_by_label("Je suis témoin").focus()
    await page.keyboard.press("Space")
    await page.get_by_label("De quoi s’agit-il ?").select_option("cyberharcelement")
    await page.get_by_label("Ce qui se passe (qui, où, depuis quand)").focus()
    await page.keyboard.type("Un groupe de messages se moque d'un élève de 4e A depuis une semaine.")
    await page.keyboard.press("Tab")
    ring = await page.evaluate(FOCUS_RING)
    assert ring["text"] == "Envoyer le signalement" and ring["style"] != "none" and ring["width"] >= 2, ring
    await page.keyboard.press("Enter")
    await page.wait_for_selector("text=En attente de lecture")
    [alert] = await StudentAlert.select()
    assert (alert["role"], alert["category"]) == ("witness", "cyberharcelement")

    student = await signed_in(new_client, s.student)
    for _ in range(4):  # the limit is five a day
        body = {"role": "victim", "category": "autre", "body": "Encore.", "client_id": uuid.uuid4().hex}
        assert (await student.post("/api/me/alerts", json=body)).is_success
    await page.get_by_label("Ce qui se passe (qui, où, depuis quand)").fill("Une sixième fois.")
    await page.get_by_role("button", name="Envoyer le signalement").click()
    await page.wait_for_selector("[role=status] >> text=Tu as déjà envoyé plusieurs signalements aujourd'hui")

    await pair_in_browser(page, live_server, s.parent, "Téléphone d’Aurélie")
    await page.goto(f"{live_server}/#/accueil")
    await page.wait_for_selector("text=Aujourd'hui")
    assert await page.locator("text=Signaler un harcèlement").count() == 0
    await page.goto(f"{live_server}/#/signaler")
    await page.wait_for_selector("text=Le signalement est réservé aux élèves.")
    assert "moque" not in await page.inner_text("main")


async def test_a_queued_upload_is_sealed_on_the_phone_and_sent_once_as_multipart(page, live_server):
    await page.goto(f"{live_server}/manifest.json")
    result = await run(
        page,
        """
        const form = new FormData();
        form.append('client_id', 'c-1');
        form.append('file', new File(['SECRET-PHOTO'], 'ma-copie.jpg', { type: 'image/jpeg' }));
        await outbox.enqueue('p', { id: 'c-1', target: 'handin:h:c-1', method: 'POST', path: '/api/x/files', form });
        const row = await (await store.db()).get('outbox', 'c-1');
        const raw = [row.data, ...row.blobs.map((b) => b.data)].map((d) => new TextDecoder().decode(d)).join();
        const waiting = (await outbox.pendingByTarget('p')).get('handin:h:c-1').get('file').name;
        const sent = [];
        const send = async (entry) => {
            const file = entry.form.get('file');
            sent.push([entry.form.get('client_id'), file.name, file.type, await file.text()]);
        };
        await outbox.flush('p', send);
        const clear = [raw, JSON.stringify(row)].some((t) => t.includes('SECRET-PHOTO') || t.includes('ma-copie'));
        return { clear,
                 waiting, sent, left: (await outbox.pending('p')).length };
        """,
    )
    assert result == {
        "clear": False,  # neither the photo nor its name is readable in IndexedDB
        "waiting": "ma-copie.jpg",
        "sent": [["c-1", "ma-copie.jpg", "image/jpeg", "SECRET-PHOTO"]],
        "left": 0,
    }


async def test_a_javascript_error_fails_the_test_that_closes_its_page_not_a_later_one(browser, live_server):
    s = await setup()
    context, page = await espace(browser, live_server, s.parent, "/espace/portail.html")
    await page.evaluate("() => setTimeout(() => { throw new Error('boom'); })")
    await page.wait_for_timeout(200)
    with pytest.raises(AssertionError, match="boom"):
        await context.close()  # the error is this test's, reported here
    # The next Playwright call (another test's, on another context) is not disturbed by it.
    other = await browser.new_context()
    await (await other.new_page()).goto(f"{live_server}/espace/index.html")
    await other.close()
