"""Competences and evaluations, with optional grades (notes)."""

from piccolo.columns import Boolean, Date, Integer, Numeric, Timestamptz, Varchar
from piccolo.table import Table

from db.columns import created_at, primary_key, ref, school_key
from db.core.tables import Period, SchoolClass, Subject, TeachingGroup, User
from db.sharding import Ref

# The four levels of the socle commun, best first, as PRONOTE shows them.
LEVELS = {
    "tres_bonne": "Très bonne maîtrise",
    "satisfaisante": "Maîtrise satisfaisante",
    "fragile": "Maîtrise fragile",
    "insuffisante": "Maîtrise insuffisante",
}


class Competence(Table, tablename="competence"):
    id = primary_key()
    school_id = school_key()
    code = Varchar(length=20)  # "D1.1"
    label = Varchar(length=300)
    domain = Varchar(length=200)


class Evaluation(Table, tablename="evaluation"):
    id = primary_key()
    school_id = school_key()
    teacher_id = ref()
    subject_id = ref()
    period_id = ref()
    class_id = ref(null=True)
    group_id = ref(null=True)
    title = Varchar(length=200)
    given_on = Date()
    graded = Boolean(default=False)
    out_of = Numeric(digits=(5, 2), null=True, default=None)
    coefficient = Numeric(digits=(5, 2), null=True, default=None)
    publish_at = Timestamptz(null=True, default=None)  # null: not published to families yet
    created_at = created_at()
    revision = Integer(default=0)  # +1 at each publication or withdrawal (a calendar feed's SEQUENCE)


class EvaluationCompetence(Table, tablename="evaluation_competence"):
    id = primary_key()
    school_id = school_key()
    evaluation_id = ref()
    competence_id = ref()


class CompetenceResult(Table, tablename="competence_result"):
    id = primary_key()
    school_id = school_key()
    evaluation_id = ref()
    competence_id = ref()
    student_id = ref()
    level = Varchar(length=15)  # a key of LEVELS


class Grade(Table, tablename="grade"):
    id = primary_key()
    school_id = school_key()
    evaluation_id = ref()
    student_id = ref()
    value = Numeric(digits=(5, 2), null=True, default=None)
    status = Varchar(length=10, default="")  # "" | absent | dispensé | non rendu


SHARDED_TABLES = [Competence, Evaluation, EvaluationCompetence, CompetenceResult, Grade]
REFERENCES = [
    Ref(Evaluation, "teacher_id", User),
    Ref(Evaluation, "subject_id", Subject),
    Ref(Evaluation, "period_id", Period),
    Ref(Evaluation, "class_id", SchoolClass, "CASCADE"),
    Ref(Evaluation, "group_id", TeachingGroup, "CASCADE"),
    Ref(EvaluationCompetence, "evaluation_id", Evaluation, "CASCADE"),
    Ref(EvaluationCompetence, "competence_id", Competence),
    Ref(CompetenceResult, "evaluation_id", Evaluation, "CASCADE"),
    Ref(CompetenceResult, "competence_id", Competence),
    Ref(CompetenceResult, "student_id", User, "CASCADE"),
    Ref(Grade, "evaluation_id", Evaluation, "CASCADE"),
    Ref(Grade, "student_id", User, "CASCADE"),
]
INDEXES = [
    "CREATE UNIQUE INDEX competence_result_uq ON competence_result "
    "(school_id, evaluation_id, competence_id, student_id)",
    "CREATE UNIQUE INDEX grade_uq ON grade (school_id, evaluation_id, student_id)",
]
