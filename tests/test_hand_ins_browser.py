"""Travail à rendre in the espace: the teacher asks for a homework online, the student hands in a PDF
from a phone-width screen, the teacher downloads it and returns a comment with a corrected copy."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import artifact
from tests.parity_builders import PDF, espace, make_homework, setup

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
