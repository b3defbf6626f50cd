"""Canteen menus: the vie scolaire publishes the week (starter, main, dessert, the 14 EU allergens,
vegetarian label); everyone in the school reads the published days, nobody else's school."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from db.canteen.tables import CanteenDish, CanteenMenu
from tests.parity_builders import setup, signed_in, today


def _monday():
    return today() - timedelta(days=today().weekday())


def _week(monday, published: bool) -> dict:
    return {
        "monday": str(monday),
        "published": published,
        "days": [
            {
                "day": str(monday),
                "dishes": [
                    {"course": "starter", "name": "Carottes râpées", "allergens": ["mustard"]},
                    {
                        "course": "main",
                        "name": "Lasagnes aux légumes",
                        "allergens": ["gluten", "milk"],
                        "vegetarian": True,
                    },
                    {"course": "dessert", "name": "Yaourt nature", "allergens": ["milk"], "vegetarian": True},
                ],
            },
            {
                "day": str(monday + timedelta(days=1)),
                "dishes": [
                    {"course": "main", "name": "Filet de colin, riz", "allergens": ["fish"]},
                    {"course": "dessert", "name": "Pomme", "vegetarian": True},
                ],
            },
        ],
    }


async def test_staff_publish_the_week_and_every_role_reads_it(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    monday = _monday()
    url = "/api/school/canteen/week"
    draft = await staff.put(url, json=_week(monday, False))
    assert draft.status_code == 200 and draft.json()["published"] is False
    assert len(draft.json()["allergens"]) == 14
    parent = await signed_in(new_client, s.parent)
    query = f"/api/canteen/menus?start={monday}&end={monday + timedelta(days=4)}"
    assert (await parent.get(query)).json()["menus"] == []  # a draft stays with the school

    for _ in range(2):  # idempotent
        published = await staff.put(url, json=_week(monday, True))
    assert published.json()["published"] is True
    assert (await staff.get(url)).json()["monday"] == str(monday)  # this week by default
    assert len((await staff.get(f"{url}?monday={monday}")).json()["days"]) == 2
    for user in (s.parent, s.student, s.teacher, s.admin):
        menus = (await (await signed_in(new_client, user)).get(query)).json()["menus"]
        assert [m["day"] for m in menus] == [str(monday), str(monday + timedelta(days=1))], user.role
    first, second = menus
    assert [d["course_label"] for d in first["dishes"]] == ["Entrée", "Plat", "Dessert"]
    assert [a["label"] for a in first["dishes"][1]["allergens"]] == ["Céréales contenant du gluten", "Lait"]
    assert (first["vegetarian"], second["vegetarian"]) == (True, False)

    # Today and tomorrow, as Accueil will ask; the default is the coming week.
    assert (await parent.get("/api/canteen/menus")).status_code == 200
    # Removing a day from the week removes its menu.
    week = _week(monday, True)
    week["days"] = week["days"][:1]
    assert len((await staff.put(url, json=week)).json()["days"]) == 1
    # Another school's families see none of it.
    foreign = await signed_in(new_client, s.foreign_parent)
    assert (await foreign.get(query)).json()["menus"] == []


async def test_only_staff_write_and_bad_menus_are_refused(new_client):
    s = await setup()
    monday = _monday()
    url = "/api/school/canteen/week"
    for user in (s.teacher, s.parent, s.student):
        client = await signed_in(new_client, user)
        assert (await client.put(url, json=_week(monday, True))).status_code == 403
        assert (await client.get(url)).status_code == 403
    staff = await signed_in(new_client, s.staff)
    week = _week(monday, True)
    wrong = [
        ("not a monday", {**week, "monday": str(monday + timedelta(days=1))}),
        (
            "a day outside the week",
            {**week, "days": [{**week["days"][0], "day": str(monday + timedelta(days=7))}]},
        ),
        ("the same day twice", {**week, "days": [week["days"][0], week["days"][0]]}),
        (
            "unknown allergen",
            {
                **week,
                "days": [{"day": str(monday), "dishes": [{"course": "main", "name": "X", "allergens": ["pollen"]}]}],
            },
        ),
        (
            "unknown course",
            {**week, "days": [{"day": str(monday), "dishes": [{"course": "cheese", "name": "Brie"}]}]},
        ),
        ("empty name", {**week, "days": [{"day": str(monday), "dishes": [{"course": "main", "name": ""}]}]}),
        ("year 9999", {**week, "monday": "9999-12-27"}),
    ]
    for reason, body in wrong:
        response = await staff.put(url, json=body)
        assert response.status_code == 400 and response.json()["error"]["message"], reason
    parent = await signed_in(new_client, s.parent)
    too_long = await parent.get(f"/api/canteen/menus?start={monday}&end={monday + timedelta(days=40)}")
    assert too_long.status_code == 400
    assert (await parent.get(f"/api/canteen/menus?start={monday}&end={monday - timedelta(days=1)}")).status_code == 400


async def test_the_same_week_saved_twice_at_once_is_stored_once(new_client):
    """A double click, or two staff members saving the same week: both answered, one week stored."""
    s = await setup()
    staff, colleague = await signed_in(new_client, s.staff), await signed_in(new_client, s.admin)
    monday, url = _monday(), "/api/school/canteen/week"
    for published in (False, True):  # a new week, then a week that exists
        first, second = await asyncio.gather(
            staff.put(url, json=_week(monday, published)), colleague.put(url, json=_week(monday, published))
        )
        assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
        assert first.json() == second.json() and first.json()["published"] is published
        assert await CanteenMenu.count() == 2 and await CanteenDish.count() == 5


async def test_a_dish_named_with_blanks_only_is_refused_and_nothing_is_saved(new_client):
    s = await setup()
    staff = await signed_in(new_client, s.staff)
    week = _week(_monday(), True)
    week["days"][1]["dishes"][1]["name"] = " \t\u00a0 "
    refused = await staff.put("/api/school/canteen/week", json=week)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == {
        "code": "invalid",
        "message": "Donnez un nom à chaque plat.",
        "details": {"days.1.dishes.1.name": "empty"},
    }
    assert await CanteenMenu.count() == 0 and await CanteenDish.count() == 0
    week["days"][1]["dishes"][1]["name"] = "  Pomme  "  # blanks around a name are trimmed
    saved = await staff.put("/api/school/canteen/week", json=week)
    assert saved.status_code == 200 and saved.json()["days"][1]["dishes"][1]["name"] == "Pomme"
