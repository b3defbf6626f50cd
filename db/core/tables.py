"""The school and its people: schools, years, periods, classes, groups, subjects, users, links."""

from piccolo.columns import UUID, Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.sharding import Ref


class School(Table, tablename="school"):
    """The shard root: a reference table under Citus, replicated to every node."""

    id = primary_key()
    uai = Varchar(length=8, unique=True)  # e.g. 0790011H
    name = Varchar(length=200)
    academy = Varchar(length=100)
    city = Varchar(length=100)
    timezone = Varchar(length=64, default="Europe/Paris")


class SchoolYear(Table, tablename="school_year"):
    id = primary_key()
    school_id = school_key()
    label = Varchar(length=20)  # "2026-2027"
    starts_on = Date()
    ends_on = Date()


class Period(Table, tablename="period"):
    """A trimestre (or semestre) of a school year."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    name = Varchar(length=50)
    starts_on = Date()
    ends_on = Date()


class Subject(Table, tablename="subject"):
    id = primary_key()
    school_id = school_key()
    code = Varchar(length=20)
    name = Varchar(length=100)
    color = Varchar(length=7)  # "#RRGGBB", shown as the subject's stripe in the app


class SchoolClass(Table, tablename="school_class"):
    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    name = Varchar(length=30)  # "4e A"
    level = Varchar(length=10)  # "4e"


class TeachingGroup(Table, tablename="teaching_group"):
    """A group within or across classes (a language group, a half class)."""

    id = primary_key()
    school_id = school_key()
    school_year_id = ref()
    name = Varchar(length=60)
    class_id = ref(null=True)


class User(Table, tablename="app_user"):
    id = primary_key()
    school_id = school_key()
    role = Varchar(length=10)  # student | parent | teacher | staff | admin
    identifier = Varchar(length=60)  # EduConnect style: p.nom, p.nom2
    first_name = Varchar(length=80)
    last_name = Varchar(length=80)
    birth_date = Date(null=True, default=None)
    phone = Varchar(length=20, null=True, default=None)
    email = Varchar(length=200, null=True, default=None)
    email_verified_at = Timestamptz(null=True, default=None)
    password_hash = Varchar(length=200, null=True, default=None)
    must_change_password = Boolean(default=False)
    first_login_done_at = Timestamptz(null=True, default=None)
    charter_accepted_at = Timestamptz(null=True, default=None)
    activated_at = Timestamptz(null=True, default=None)
    disabled = Boolean(default=False)
    created_at = created_at()


class LoginIdentifier(Table, tablename="login_identifier"):
    """Deployment-wide directory of identifiers (a Citus reference table).

    Identifiers are unique across schools, which a table distributed by school cannot enforce;
    this small table does, and routes a sign-in to the right school.
    """

    identifier = Varchar(length=60, primary_key=True)
    school_id = UUID(null=False, index=True)  # keyed by identifier: a school's rows need an index of their own
    user_id = ref()


class ContactDirectory(Table, tablename="contact_directory"):
    """Deployment-wide directory of contacts (a Citus reference table, like `login_identifier`).

    Activation and "identifiant perdu" start from a phone number or an e-mail address, before any
    school is known: this table says which accounts, in which schools, hold that contact, and each
    account is then read in its own school (one shard). One person may have several accounts (a
    parent with a child at the collège and one at the lycée): every match is returned. Kept in step
    with `app_user.phone/email` by api/accounts/directory.py (`set_contacts`), the seed and the import.
    """

    id = primary_key()
    contact = Varchar(length=210)  # "tel:612345678" (last 9 digits) or "email:prenom.nom@example.fr"
    school_id = school_key()
    user_id = ref()


class Guardianship(Table, tablename="guardianship"):
    """A parent (responsable légal) of a student."""

    id = primary_key()
    school_id = school_key()
    parent_id = ref()
    student_id = ref()
    relation = Varchar(length=20, default="parent")  # mère, père, tuteur…


class Enrolment(Table, tablename="enrolment"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    class_id = ref()


class GroupMembership(Table, tablename="group_membership"):
    id = primary_key()
    school_id = school_key()
    student_id = ref()
    group_id = ref()


class TeachingService(Table, tablename="teaching_service"):
    """A teacher teaches a subject to a class or a group."""

    id = primary_key()
    school_id = school_key()
    teacher_id = ref()
    subject_id = ref()
    class_id = ref(null=True)
    group_id = ref(null=True)
    weekly_hours = Integer(default=0)


SHARDED_TABLES = [
    SchoolYear,
    Period,
    Subject,
    SchoolClass,
    TeachingGroup,
    User,
    Guardianship,
    Enrolment,
    GroupMembership,
    TeachingService,
]
REFERENCES = [
    Ref(Period, "school_year_id", SchoolYear),
    Ref(SchoolClass, "school_year_id", SchoolYear),
    Ref(TeachingGroup, "school_year_id", SchoolYear),
    Ref(TeachingGroup, "class_id", SchoolClass),
    Ref(Guardianship, "parent_id", User, "CASCADE"),
    Ref(Guardianship, "student_id", User, "CASCADE"),
    Ref(Enrolment, "student_id", User, "CASCADE"),
    Ref(Enrolment, "class_id", SchoolClass, "CASCADE"),
    Ref(GroupMembership, "student_id", User, "CASCADE"),
    Ref(GroupMembership, "group_id", TeachingGroup, "CASCADE"),
    Ref(TeachingService, "teacher_id", User, "CASCADE"),
    Ref(TeachingService, "subject_id", Subject),
    Ref(TeachingService, "class_id", SchoolClass, "CASCADE"),
    Ref(TeachingService, "group_id", TeachingGroup, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX guardianship_uq ON guardianship (school_id, parent_id, student_id)",
    "CREATE UNIQUE INDEX enrolment_uq ON enrolment (school_id, student_id, class_id)",
    "CREATE UNIQUE INDEX group_membership_uq ON group_membership (school_id, group_id, student_id)",
    "CREATE INDEX app_user_role_idx ON app_user (school_id, role)",
    "CREATE UNIQUE INDEX contact_directory_uq ON contact_directory (contact, school_id, user_id)",
    "CREATE INDEX contact_directory_account_idx ON contact_directory (school_id, user_id)",
]
