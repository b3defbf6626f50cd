"""The ENT portal's per-school settings: where the tiles that leave Cartable lead."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table

from db.columns import primary_key, ref, school_key
from db.core.tables import User
from db.sharding import Ref


class SchoolLink(Table, tablename="school_link"):
    """The https address of an external tile ("Site du collège"…) for one school; no row, no tile."""

    id = primary_key()
    school_id = school_key()
    app_key = Varchar(length=40)  # a key of api/portal/apps.py's catalogue
    url = Varchar(length=500)
    updated_by_id = ref()
    updated_at = Timestamptz()


SHARDED_TABLES = [SchoolLink]
REFERENCES = [Ref(SchoolLink, "updated_by_id", User)]
INDEXES = ["CREATE UNIQUE INDEX school_link_uq ON school_link (school_id, app_key)"]
