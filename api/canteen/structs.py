"""Shapes of the canteen API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec

from api.canteen.catalogue import Allergen, Course

DishName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class DishIn(msgspec.Struct, forbid_unknown_fields=True):
    course: Course
    name: DishName
    allergens: Annotated[list[Allergen], msgspec.Meta(max_length=14)] = []
    vegetarian: bool = False


class DayIn(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    dishes: Annotated[list[DishIn], msgspec.Meta(min_length=1, max_length=12)]


class WeekIn(msgspec.Struct, forbid_unknown_fields=True):
    monday: date
    days: Annotated[list[DayIn], msgspec.Meta(max_length=7)]
    published: bool  # false: a draft only the school sees


class Label(msgspec.Struct):
    code: str
    label: str


class DishOut(msgspec.Struct):
    course: str
    course_label: str
    name: str
    allergens: list[Label]
    vegetarian: bool


class MenuOut(msgspec.Struct):
    day: date
    dishes: list[DishOut]
    vegetarian: bool  # every main course is vegetarian ("menu végétarien")
    published_at: datetime | None


class WeekOut(msgspec.Struct):
    monday: date
    published: bool
    days: list[MenuOut]
    courses: list[Label]
    allergens: list[Label]


class Menus(msgspec.Struct):
    start: date
    end: date
    menus: list[MenuOut]  # published days only, in order
