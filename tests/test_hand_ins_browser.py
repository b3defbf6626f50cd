"""Travail à rendre: in the espace, the teacher asks for a homework online, the student hands in a PDF
(or several files at once) from a phone-width screen, the teacher downloads it and returns a comment with
a corrected copy; on the phone, work queued offline is said to count as handed in when it arrives."""

from __future__ import annotations

import pytest

from db.submissions.tables import Submission, SubmissionFile
from tests.fixtures.browser import artifact, check_screen
from tests.parity_builders import PDF, espace, make_homework, setup
from tests.test_parity_pwa_browser import _to_hand_in
from tests.test_pwa_browser import pair_in_browser

pytestmark = pytest.mark.browser


async def test_a_student_hands_in_and_gets_the_corrected_copy_back(browser, live_server, tmp_path):
    s = await setup()
    await make_homework(s.teacher, s.maths, s.class_4a)
    copy, corrected = tmp_path / "ma-copie.pdf", tmp_path / "corrige.pdf"
    copy.write_bytes(PDF)
    corrected.write_bytes(PDF)

    teacher_context, teacher = await espace(browser, live_server, s.teacher, "/espace/rendus.html")
    await teacher.locator("#homework button").first.click()
    await teacher.wait_for_selector("#detail:not([hidden])")
    await teacher.get_by_label("DOCX").check()
    await teacher.get_by_role("button", name="Enregistrer", exact=True).click()
    await teacher.wait_for_selector("#status >> text=Devoir à rendre en ligne")
    await teacher.wait_for_selector("#copies >> text=0 rendue sur 2")

    student_context, student = await espace(browser, live_server, s.student, "/espace/rendus.html", phone=True)
    await student.wait_for_selector("#hand-ins >> text=Non rendu")
    assert "PDF, PNG, JPEG, DOCX" in await student.inner_text("#hand-ins")
    await student.set_input_files("#hand-ins input[type=file]", str(copy))
    await student.get_by_role("button", name="Rendre le fichier : Mathématiques").click()
    await student.wait_for_selector("#status >> text=Travail rendu.")
    await student.wait_for_selector("#hand-ins >> text=ma-copie.pdf")
    assert "Rendu" in await student.inner_text("#hand-ins .badge")
    await student.screenshot(path=artifact("hand-in-student-360.png"), full_page=True)

    await teacher.reload()
    await teacher.locator("#homework button").first.click()
    await teacher.wait_for_selector("#copies >> text=1 rendue sur 2, dont 0 en retard")
    async with teacher.expect_download() as download_info:
        await teacher.get_by_role("link", name="ma-copie.pdf").click()
    with open(await (await download_info.value).path(), "rb") as downloaded:
        assert downloaded.read() == PDF
    await teacher.get_by_label("Commentaire : Lucas Moreau").fill("Bien, revois la question 3.")
    await teacher.set_input_files("input[aria-label='Copie corrigée : Lucas Moreau']", str(corrected))
    await teacher.get_by_role("button", name="Rendre la copie : Lucas Moreau").click()
    await teacher.wait_for_selector("#status >> text=Travail rendu à Lucas Moreau.")
    await teacher.screenshot(path=artifact("hand-in-teacher.png"), full_page=True)

    await student.reload()
    await student.wait_for_selector("#hand-ins >> text=Bien, revois la question 3.")
    await student.wait_for_selector("#hand-ins a >> text=corrige.pdf")
    assert await student.locator("#hand-ins input[type=file]").count() == 0  # returned: nothing more to hand in
    await student.screenshot(path=artifact("hand-in-student-returned-360.png"), full_page=True)
    await teacher_context.close()
    await student_context.close()


async def test_a_student_hands_in_two_files_at_once_from_the_espace(browser, live_server, new_client, tmp_path):
    s = await setup()
    await _to_hand_in(new_client, s)
    pages = [tmp_path / "page-1.pdf", tmp_path / "page-2.pdf"]
    for path in pages:
        path.write_bytes(PDF)

    context, student = await espace(browser, live_server, s.student, "/espace/rendus.html", phone=True)
    await student.wait_for_selector("#hand-ins >> text=Non rendu")
    await student.set_input_files("#hand-ins input[type=file]", [str(path) for path in pages])
    await student.get_by_role("button", name="Rendre le fichier : Mathématiques").click()
    await student.wait_for_selector("#status >> text=Travail rendu.")
    await student.wait_for_selector("#hand-ins a >> text=page-2.pdf")
    assert await student.locator("#hand-ins .files a").all_inner_texts() == ["page-1.pdf", "page-2.pdf"]
    assert sorted(row["filename"] for row in await SubmissionFile.select(SubmissionFile.filename)) == [
        "page-1.pdf",
        "page-2.pdf",
    ]
    await context.close()


async def test_work_queued_offline_is_said_to_count_as_handed_in_when_it_reaches_the_school(
    page, context, live_server, new_client, tmp_path
):
    """The server dates a hand-in when it receives it (on time or late): offline, the phone says so."""
    s = await setup()
    homework = await _to_hand_in(new_client, s)
    copy = tmp_path / "ma-copie.pdf"
    copy.write_bytes(PDF)
    await pair_in_browser(page, live_server, s.student, "Téléphone de Lucas")
    await page.goto(f"{live_server}/#/rendre/{homework.id}")
    await page.wait_for_selector("text=Rendre mon travail")
    await page.wait_for_load_state("networkidle")
    assert await page.locator(".alert[role=status]").count() == 0  # online: nothing to wait for

    await context.set_offline(True)
    await page.set_input_files("#hand-in-file", str(copy))
    notice = page.locator(".alert[role=status]")
    await notice.wait_for()
    assert await notice.inner_text() == (
        "Votre travail sera transmis dès le retour du réseau ; il comptera comme rendu à ce moment-là "
        "(en retard si la date limite est passée)."
    )
    await check_screen(page, "pwa-rendre-hors-ligne-avis", sizes=((360, 740),))
    await page.reload()  # still said after a restart, offline, while the file waits
    await notice.wait_for()
    assert await Submission.count() == 0

    await context.set_offline(False)  # sent: handed in now, and the notice goes
    await page.wait_for_selector(".card .badge:has-text('Rendu le')", timeout=15_000)
    assert await notice.count() == 0 and await SubmissionFile.count() == 1
