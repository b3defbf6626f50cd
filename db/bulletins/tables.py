"""Report cards (bulletins) of a period: the teachers' appreciations per subject, the class
council's general appreciation and mention, and when the families of a class may read them.

Before publication, averages and competence positionings are not stored: they are computed from the
published evaluations of the period (api/bulletins/compute.py), so a bulletin never disagrees with them.
When families may first read it, each student's bulletin is frozen (`ReportCardSnapshot`): what they
read and print never changes afterwards, unless the head of school publishes again.
"""

from piccolo.columns import JSONB, Date, Text, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import primary_key, ref, school_key
from db.core.tables import Period, SchoolClass, Subject, User
from db.sharding import Ref


class ReportCardAppreciation(Table, tablename="report_card_appreciation"):
    """A teacher's appreciation of one student in one subject for one period."""

    id = primary_key()
    school_id = school_key()
    period_id = ref()
    student_id = ref()
    subject_id = ref()
    teacher_id = ref()
    text = Text()
    updated_at = Timestamptz()


class ReportCardCouncil(Table, tablename="report_card_council"):
    """The class council's general appreciation of a student for a period, and its mention."""

    id = primary_key()
    school_id = school_key()
    period_id = ref()
    student_id = ref()
    appreciation = Text(default="")
    mention = Varchar(length=30, default="")  # "" | encouragements | compliments | felicitations | mise_en_garde_*
    updated_by_id = ref()
    updated_at = Timestamptz()


class ReportCardPublication(Table, tablename="report_card_publication"):
    """From which day the families of a class read the period's report cards (set by the head of school)."""

    id = primary_key()
    school_id = school_key()
    period_id = ref()
    class_id = ref()
    visible_from = Date()
    published_by_id = ref()
    updated_at = Timestamptz()
    frozen_at = Timestamptz(null=True, default=None)  # its bulletins were frozen (None: not yet)


class ReportCardSnapshot(Table, tablename="report_card_snapshot"):
    """A student's bulletin as published: computed once, when families could first read it."""

    id = primary_key()
    school_id = school_key()
    period_id = ref()
    student_id = ref()
    class_id = ref()  # the class whose publication froze it
    bulletin = JSONB()  # api/bulletins/structs.py Bulletin
    frozen_at = Timestamptz()


SHARDED_TABLES = [ReportCardAppreciation, ReportCardCouncil, ReportCardPublication, ReportCardSnapshot]
REFERENCES = [
    Ref(ReportCardAppreciation, "period_id", Period, "CASCADE"),
    Ref(ReportCardAppreciation, "student_id", User, "CASCADE"),
    Ref(ReportCardAppreciation, "subject_id", Subject, "CASCADE"),
    Ref(ReportCardAppreciation, "teacher_id", User),
    Ref(ReportCardCouncil, "period_id", Period, "CASCADE"),
    Ref(ReportCardCouncil, "student_id", User, "CASCADE"),
    Ref(ReportCardCouncil, "updated_by_id", User),
    Ref(ReportCardPublication, "period_id", Period, "CASCADE"),
    Ref(ReportCardPublication, "class_id", SchoolClass, "CASCADE"),
    Ref(ReportCardPublication, "published_by_id", User),
    Ref(ReportCardSnapshot, "period_id", Period, "CASCADE"),
    Ref(ReportCardSnapshot, "student_id", User, "CASCADE"),
    Ref(ReportCardSnapshot, "class_id", SchoolClass, "CASCADE"),
]
INDEXES = [
    (
        "CREATE UNIQUE INDEX report_card_appreciation_uq ON report_card_appreciation "
        "(school_id, period_id, student_id, subject_id)"
    ),
    "CREATE UNIQUE INDEX report_card_council_uq ON report_card_council (school_id, period_id, student_id)",
    "CREATE UNIQUE INDEX report_card_publication_uq ON report_card_publication (school_id, period_id, class_id)",
    "CREATE UNIQUE INDEX report_card_snapshot_uq ON report_card_snapshot (school_id, period_id, student_id)",
]
