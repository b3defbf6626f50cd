"""Canteen menus: the lunch of each school day, its dishes, their allergens and vegetarian label."""

from piccolo.columns import Array, Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class CanteenMenu(Table, tablename="canteen_menu"):
    """The lunch of one day; families see it once the week is published."""

    id = primary_key()
    school_id = school_key()
    day = Date()
    published_at = Timestamptz(null=True, default=None)
    updated_by_id = ref()
    updated_at = Timestamptz()


class CanteenDish(Table, tablename="canteen_dish"):
    id = primary_key()
    school_id = school_key()
    menu_id = ref()
    course = Varchar(length=10)  # starter | main | dessert
    position = Integer()
    name = Varchar(length=120)
    allergens = Array(base_column=Varchar(length=20))  # codes of the 14 EU allergens (api/canteen/allergens.py)
    vegetarian = Boolean(default=False)


SHARDED_TABLES = [CanteenMenu, CanteenDish]
REFERENCES = [
    Ref(CanteenMenu, "updated_by_id", User),
    Ref(CanteenDish, "menu_id", CanteenMenu, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX canteen_menu_day_uq ON canteen_menu (school_id, day)",
    "CREATE UNIQUE INDEX canteen_dish_position_uq ON canteen_dish (school_id, menu_id, course, position)",
]
