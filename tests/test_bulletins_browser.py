"""Bulletins in the espace: the teacher writes an appreciation, the CPE the council's with a mention,
the head of school publishes for 4e A today, the parent reads it on a phone-width screen and downloads
the PDF the server prints."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import artifact
from tests.parity_builders import espace, make_class_evaluation, setup, today

pytestmark = pytest.mark.browser


async def test_from_the_teachers_appreciation_to_the_parents_pdf(browser, live_server):
    s = await setup()
    await make_class_evaluation(s.teacher, s.maths, s.period, s.class_4a, grades=[(s.student, 15), (s.classmate, 11)])

    teacher_context, teacher = await espace(browser, live_server, s.teacher, "/espace/bulletins.html")
    await teacher.wait_for_selector("#sheet >> text=15,00")
    await teacher.get_by_label("Appréciation : Lucas Moreau").fill("Très bon trimestre, participation active.")
    await teacher.get_by_role("button", name="Enregistrer", exact=True).click()
    await teacher.wait_for_selector("#status >> text=Appréciations enregistrées.")
    await teacher.screenshot(path=artifact("bulletins-teacher.png"), full_page=True)

    staff_context, staff = await espace(browser, live_server, s.staff, "/espace/bulletins.html")
    await staff.wait_for_selector("#sheet >> text=1/1")  # one subject, its appreciation written
    await staff.get_by_label("Appréciation du conseil : Lucas Moreau").fill("Bon trimestre, bravo.")
    await staff.get_by_label("Mention : Lucas Moreau").select_option("compliments")
    await staff.get_by_role("button", name="Enregistrer", exact=True).click()
    await staff.wait_for_selector("#status >> text=Conseil de classe enregistré.")
    assert await staff.locator("#publication").is_hidden()  # publishing is the head of school's

    admin_context, admin = await espace(browser, live_server, s.admin, "/espace/bulletins.html")
    await admin.fill("#visible-from", today().isoformat())
    await admin.get_by_label("4e A", exact=True).check()
    await admin.get_by_role("button", name="Publier les bulletins").click()
    await admin.wait_for_selector("#publication-lines >> text=4e A : lu par les familles depuis le")
    await admin.wait_for_selector("#locked:not([hidden])")

    parent_context, parent = await espace(browser, live_server, s.parent, "/espace/bulletins.html", phone=True)
    await parent.get_by_role("button", name="Lire le bulletin : Trimestre 1").click()
    await parent.wait_for_selector("#bulletin-body >> text=Très bon trimestre, participation active.")
    assert "Mention : Compliments" in await parent.inner_text("#bulletin-body")
    await parent.screenshot(path=artifact("bulletins-parent-360.png"), full_page=True)
    async with parent.expect_download() as download_info:
        await parent.get_by_role("link", name="Télécharger le bulletin (PDF)").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(await download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    for context in (teacher_context, staff_context, admin_context, parent_context):
        await context.close()
