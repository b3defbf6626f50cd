"""The demo school's canteen: this week's menus published, next week's still a draft."""

from __future__ import annotations

import random
from datetime import time, timedelta

from db.canteen.tables import CanteenDish, CanteenMenu
from db.seed import plan as p

# (name, allergens, vegetarian) per course; a vegetarian day (EGalim: one a week) has only vegetarian mains.
STARTERS = [
    ("Carottes râpées vinaigrette", ["mustard"], True),
    ("Salade de lentilles", ["mustard", "celery"], True),
    ("Velouté de potiron", ["milk", "celery"], True),
    ("Betteraves persillées", [], True),
    ("Taboulé", ["gluten"], True),
    ("Œuf dur mayonnaise", ["eggs", "mustard"], True),
    ("Salade verte et croûtons", ["gluten"], True),
]
MAINS = [
    ("Poulet rôti, haricots verts", [], False),
    ("Filet de colin pané, riz", ["fish", "gluten"], False),
    ("Bœuf bourguignon, coquillettes", ["gluten", "celery", "sulphites"], False),
    ("Sauté de porc au caramel, semoule", ["gluten", "soybeans"], False),
    ("Dahl de lentilles corail, riz", ["celery"], True),
    ("Lasagnes aux légumes", ["gluten", "milk", "eggs"], True),
    ("Omelette, pommes de terre sautées", ["eggs"], True),
]
DESSERTS = [
    ("Yaourt nature", ["milk"], True),
    ("Pomme", [], True),
    ("Compote pomme-poire", [], True),
    ("Flan vanille", ["milk", "eggs"], True),
    ("Gâteau au chocolat", ["gluten", "eggs", "milk", "nuts"], True),
    ("Clémentines", [], True),
    ("Fromage blanc aux fruits", ["milk"], True),
]


def _menu(plan: p.Plan, rng: random.Random, day, published_at, vegetarian: bool, editor) -> None:
    written = plan.past(plan.at(day - timedelta(days=day.weekday() + 4), time(15, 0)))  # the Thursday before
    menu = plan.add(CanteenMenu, day=day, published_at=published_at, updated_by_id=editor.id, updated_at=written)
    mains = [m for m in MAINS if m[2] == vegetarian]
    for course, choices in (("starter", STARTERS), ("main", mains), ("dessert", DESSERTS)):
        name, allergens, veggie = rng.choice(choices)
        plan.add(
            CanteenDish,
            menu_id=menu["id"],
            course=course,
            position=1,
            name=name,
            allergens=allergens,
            vegetarian=veggie,
        )


def build(plan: p.Plan) -> None:
    rng = random.Random(f"cartable-canteen:{plan.uai}")
    cpe = next(person for person in plan.staff if person.role == "staff" and person.state == "ready")
    for week, published in ((0, True), (1, False)):
        monday = plan.monday + timedelta(weeks=week)
        published_at = plan.past(plan.at(monday - timedelta(days=3), time(11, 0)))
        vegetarian_day = rng.randrange(5)
        for offset in range(5):
            _menu(
                plan,
                rng,
                monday + timedelta(days=offset),
                published_at if published else None,
                offset == vegetarian_day,
                cpe,
            )
