"""The demo school: a hand-picked cast (the demo accounts) in a generated collège."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from uuid import UUID

from db.core.tables import SchoolClass, User
from db.seed import (
    activity,
    bulletins,
    calendar_events,
    canteen,
    communication,
    content,
    ent,
    hand_ins,
    names,
    teleservices,
)
from db.seed.builder import paris_today, seed_school
from db.seed.people import FamilySpec, PersonSpec, SchoolSpec
from db.seed.plan import Plan

DEMO_UAI = "0790011H"
DEMO_PASSWORD = "Cartable-Demo1!"
# Given by the school to a student who has never signed in; it must be changed at first login.
TEMPORARY_PASSWORD = "Provisoire-2718!"

S = PersonSpec
STAFF = [
    S("Stéphane", "Girard", "M", "ready", "staff"),  # CPE (vie scolaire)
    S("Catherine", "Rousseau", "F", "inactive", "staff"),  # principale
    S("Olivier", "Marchand", "M", "ready", "admin"),
]
TEACHERS = [
    S(first, last, gender, state, subject=subject)
    for subject, first, last, gender, state in [
        ("FRA", "Claire", "Dumas", "F", "inactive"),
        ("FRA", "Pierre", "Texier", "M", "inactive"),
        ("MATHS", "Hélène", "Lefèvre", "F", "ready"),
        ("MATHS", "Yann", "Le Gall", "M", "inactive"),
        ("HG", "Frédéric", "Bonnet", "M", "inactive"),
        ("ANG", "Anne", "Chauvin", "F", "inactive"),
        ("ESP", "Isabel", "Martínez", "F", "inactive"),
        ("ALL", "Thomas", "Schmitt", "M", "inactive"),
        ("SVT", "Sandrine", "Pineau", "F", "inactive"),
        ("PC", "Laurent", "Giraud", "M", "inactive"),
        ("TECHNO", "Jérôme", "Boutin", "M", "inactive"),
        ("ARTS", "Magali", "Renaud", "F", "inactive"),
        ("MUS", "Cécile", "Morin", "F", "inactive"),
        ("EPS", "Damien", "Sauzeau", "M", "inactive"),
    ]
]
FAMILIES = [
    FamilySpec(
        [S("Aurélie", "Moreau", "F", "ready"), S("Julien", "Moreau", "M")],
        [
            S("Lucas", "Moreau", "M", "ready", class_name="4e A", birthday=(3, 17), ability=11.0),
            S("Chloé", "Moreau", "F", class_name="6e A", birthday=(6, 2), ability=15.5),
        ],
    ),
    FamilySpec(
        [S("Karim", "Benali", "M", "ready"), S("Nadia", "Benali", "F")],
        [S("Inès", "Benali", "F", class_name="5e A", birthday=(10, 9), ability=14.0)],
    ),
    FamilySpec(
        [S("Sébastien", "Fontaine", "M"), S("Élodie", "Fontaine", "F")],
        [
            S("Jade", "Fontaine", "F", class_name="6e A", birthday=(4, 23)),
            S("Hugo", "Fontaine", "M", class_name="3e A", birthday=(12, 5)),
        ],
    ),
    FamilySpec(
        [S("Nathalie", "Garnier", "F")], [S("Emma", "Garnier", "F", "first_login", class_name="3e A", birthday=(7, 11))]
    ),
    # Same identifier base as the maths teacher: shows "h.lefevre2".
    FamilySpec([S("Hervé", "Lefèvre", "M")], [S("Manon", "Lefèvre", "F", class_name="5e A", birthday=(1, 28))]),
]
# (role, first name, last name, password, note); the activation parent gets phone and children added.
ACCOUNTS = [
    ("parent", "Aurélie", "Moreau", DEMO_PASSWORD, "Parent de 2 enfants (Lucas en 4e A, Chloé en 6e A)"),
    ("parent", "Karim", "Benali", DEMO_PASSWORD, "Parent d'un enfant (Inès en 5e A)"),
    ("student", "Lucas", "Moreau", DEMO_PASSWORD, "Élève de 4e A, fils d'Aurélie Moreau"),
    ("teacher", "Hélène", "Lefèvre", DEMO_PASSWORD, "Professeure de mathématiques"),
    ("staff", "Stéphane", "Girard", DEMO_PASSWORD, "CPE (vie scolaire)"),
    ("admin", "Olivier", "Marchand", DEMO_PASSWORD, "Administrateur de l'établissement"),
    (
        "student",
        "Emma",
        "Garnier",
        TEMPORARY_PASSWORD,
        "Élève de 3e A, première connexion : mot de passe provisoire à changer",
    ),
    ("parent", "Sébastien", "Fontaine", None, "Parent à activer (pas encore de mot de passe)"),
]


@dataclass
class DemoAccount:
    role: str
    identifier: str
    password: str | None
    display_name: str
    note: str
    phone: str | None = None  # E.164, for the activation demo
    children: list[tuple[str, str, date]] = field(default_factory=list)  # (first name, class, birth date)


@dataclass
class SeedSummary:
    school_id: UUID
    school_name: str
    uai: str
    created: bool
    accounts: list[DemoAccount]
    counts: dict[str, int]  # users by role, and classes

    def lines(self) -> list[str]:
        state = "créé" if self.created else "déjà présent, rien n'a été modifié"
        totals = ", ".join(f"{count} {what}" for what, count in self.counts.items())
        out = [f"{self.school_name} (UAI {self.uai}) : {state}.", f"  {totals}", "", "Comptes de démonstration :"]
        width = max(len(account.identifier) for account in self.accounts)
        for account in self.accounts:
            password = account.password or "—"
            role = {"student": "élève", "teacher": "professeur", "staff": "personnel"}.get(account.role, account.role)
            out.append(
                f"  {role:<10} {account.identifier:<{width}}  {password:<17} {account.display_name} — {account.note}"
            )
            if account.phone:
                out.append(f"  {'':<10} {'':<{width}}  téléphone {names.display_phone(account.phone)}")
            for first_name, class_name, born in account.children:
                out.append(f"  {'':<10} {'':<{width}}  enfant : {first_name} ({class_name}), né(e) le {born:%d/%m/%Y}")
        return out


def demo_spec() -> SchoolSpec:
    return SchoolSpec(
        uai=DEMO_UAI,
        name="Collège Philippe de Commynes",
        academy="Poitiers",
        city="Niort",
        classes=[(f"{level} A", level) for level in content.LEVELS],
        students=100,
        teacher_hours=15,
        staff=STAFF,
        teachers=TEACHERS,
        families=FAMILIES,
    )


def _find(plan: Plan, first_name: str, last_name: str):
    return next(person for person in plan.people if (person.first_name, person.last_name) == (first_name, last_name))


def _after_people(plan: Plan) -> None:
    for person in plan.people:
        person.password = {"ready": DEMO_PASSWORD, "first_login": TEMPORARY_PASSWORD}.get(person.state)
    if plan.services[("4e A", "MATHS", None)] is not _find(plan, "Hélène", "Lefèvre"):
        raise RuntimeError("The demo maths teacher must teach 4e A")
    plan.absent_teacher = _find(plan, "Anne", "Chauvin")
    plan.outing_class = "4e A"
    plan.chapters[("4e A", "MATHS", None)] = "le calcul littéral"  # what Lucas's mother writes about
    plan.featured = [_find(plan, "Lucas", "Moreau"), _find(plan, "Chloé", "Moreau")]
    # The activation and first-login demos start from accounts nobody has used yet.
    plan.pristine = {
        _find(plan, *name).id for name in [("Sébastien", "Fontaine"), ("Élodie", "Fontaine"), ("Emma", "Garnier")]
    }


def _after_all(plan: Plan) -> None:
    """The demo family's own records, so every screen has something to show."""
    lucas, chloe = plan.featured
    aurelie, julien = _find(plan, "Aurélie", "Moreau"), _find(plan, "Julien", "Moreau")
    lessons = activity.student_lessons(plan, lucas, before=plan.today)
    first_day = [lesson for lesson in lessons if lesson.date == lessons[0].date]
    activity.add_absence(plan, lucas, "justified", lessons=first_day[:2], reason="Rendez-vous médical")
    mornings = [lesson for lesson in lessons if lesson.slot == 0]
    activity.add_lateness(plan, lucas, mornings[-1], 8, False)
    maths = [lesson for lesson in lessons if lesson.subject == "MATHS"]
    activity.add_remark(plan, lucas, maths[-1], "Oubli de matériel", "A oublié sa calculatrice et son compas.")
    french = [lesson for lesson in lessons if lesson.subject == "FRA"]
    activity.add_remark(plan, lucas, french[0], "Encouragements", "Des progrès nets à l'oral, bravo.")

    chloe_lessons = activity.student_lessons(plan, chloe, before=plan.today)
    friday = plan.monday - timedelta(days=3)
    missed = [lesson for lesson in chloe_lessons if lesson.date == friday and lesson.slot < 4] or chloe_lessons[:2]
    activity.add_absence(plan, chloe, "unjustified", lessons=missed, reason="")

    teacher, cpe = _find(plan, "Hélène", "Lefèvre"), _find(plan, "Stéphane", "Girard")

    def day(days_ago: int, hour: int, minute: int):
        return plan.past(plan.at(plan.today - timedelta(days=days_ago), time(hour, minute)))

    communication.add_discussion(
        plan,
        "Difficultés en calcul littéral",
        [
            (
                aurelie,
                "Bonjour Madame Lefèvre, Lucas me dit avoir du mal avec le calcul littéral depuis le début du "
                "chapitre. Auriez-vous des conseils pour l'aider à la maison ? Cordialement, Aurélie Moreau",
                day(6, 19, 42),
            ),
            (
                teacher,
                "Bonjour Madame Moreau, merci pour votre message. Lucas participe bien en classe mais manque "
                "parfois de méthode. Qu'il refasse les exercices corrigés du cahier, puis les exercices 45 à 48 "
                "p. 67. Il peut aussi venir à l'aide aux devoirs le jeudi de 12h à 13h. Bien cordialement, "
                "H. Lefèvre",
                day(5, 12, 15),
            ),
            (aurelie, "Merci beaucoup, je lui en parle ce soir. Bonne soirée.", day(5, 20, 3)),
        ],
        about=lucas,
    )
    absent_on = content.french_date(missed[0].date)
    communication.add_discussion(
        plan,
        f"Absence de Chloé le {absent_on}",
        [
            (
                cpe,
                f"Bonjour, Chloé était absente le {absent_on} au matin. Merci de bien vouloir justifier cette absence "
                "depuis l'application (rubrique Vie scolaire). Bien cordialement, S. Girard, CPE",
                plan.past(plan.at(missed[0].date + timedelta(days=3), time(9, 10))),
            ),
        ],
        others=[aurelie, julien],
        about=chloe,
        unread_by=[aurelie, julien],
    )
    ines, karim = _find(plan, "Inès", "Benali"), _find(plan, "Karim", "Benali")
    french_teacher = plan.services[("5e A", "FRA", None)]
    communication.add_discussion(
        plan,
        "Exposé d'Inès",
        [
            (
                french_teacher,
                "Bonjour Monsieur Benali, je tenais à vous dire qu'Inès a présenté un très bel exposé "
                "ce matin devant la classe : clair, bien documenté et avec beaucoup d'aisance. Bravo à elle ! "
                f"Cordialement, {french_teacher.first_name[0]}. {french_teacher.last_name}",
                day(2, 17, 5),
            ),
            (karim, "Merci beaucoup pour ce retour, elle sera ravie de l'apprendre !", day(2, 20, 31)),
        ],
        about=ines,
    )
    teleservices.build(plan)
    ent.build(plan)
    bulletins.build(plan)
    hand_ins.build(plan)
    canteen.build(plan)
    calendar_events.build(plan)


async def seed_demo(*, today: date | None = None) -> SeedSummary:
    """Seed the demo school once (same data for the same day); later calls only read its summary."""
    school_id, created, _ = await seed_school(
        demo_spec(), today=today or paris_today(), after_people=_after_people, after_all=_after_all
    )
    return await read_summary(school_id, created)


_ROLE_WORDS = {
    "student": ("élève", "élèves"),
    "parent": ("parent", "parents"),
    "teacher": ("enseignant", "enseignants"),
    "staff": ("personnel", "personnels"),
    "admin": ("administrateur", "administrateurs"),
}


async def read_summary(school_id: UUID, created: bool = False) -> SeedSummary:
    from db.core.tables import School

    school = await School.select(School.name, School.uai).where(School.id == school_id).first()
    wanted = {(first, last) for _, first, last, _, _ in ACCOUNTS}
    rows = await User.select(User.id, User.role, User.identifier, User.first_name, User.last_name, User.phone).where(
        (User.school_id == school_id) & User.last_name.is_in(sorted({last for _, last in wanted}))
    )
    users = {(row["role"], row["first_name"], row["last_name"]): row for row in rows}
    accounts = []
    for role, first, last, password, note in ACCOUNTS:
        user = users.get((role, first, last))
        if user is None:  # seeded by an older version of this cast
            continue
        account = DemoAccount(role, user["identifier"], password, f"{first} {last}", note)
        if role == "teacher":
            account.note += f" ({', '.join(await _taught_classes(school_id, user['id']))})"
        if role == "parent" and password is None:
            account.phone = user["phone"]
            account.children = await _children(school_id, user["id"])
        accounts.append(account)
    counts = {}
    for row in await User.raw(
        "SELECT role, count(*) AS n FROM app_user WHERE school_id = {} GROUP BY role ORDER BY count(*) DESC, role",
        school_id,
    ):
        singular, plural = _ROLE_WORDS.get(row["role"], (row["role"], row["role"]))
        counts[singular if row["n"] == 1 else plural] = row["n"]
    classes = await SchoolClass.count().where(SchoolClass.school_id == school_id)
    counts["classe" if classes == 1 else "classes"] = classes
    return SeedSummary(school_id, school["name"], school["uai"], created, accounts, counts)


async def _taught_classes(school_id: UUID, teacher_id: UUID) -> list[str]:
    rows = await SchoolClass.raw(
        "SELECT DISTINCT c.name, c.level FROM teaching_service t JOIN school_class c ON c.school_id = t.school_id "
        "AND c.id = t.class_id WHERE t.school_id = {} AND t.teacher_id = {} ORDER BY c.level DESC, c.name",
        school_id,
        teacher_id,
    )
    return [row["name"] for row in rows]


async def _children(school_id: UUID, parent_id: UUID) -> list[tuple[str, str, date]]:
    rows = await User.raw(
        "SELECT u.first_name, c.name AS class_name, u.birth_date FROM guardianship g "
        "JOIN app_user u ON u.school_id = g.school_id AND u.id = g.student_id "
        "JOIN enrolment e ON e.school_id = u.school_id AND e.student_id = u.id "
        "JOIN school_class c ON c.school_id = e.school_id AND c.id = e.class_id "
        "WHERE g.school_id = {} AND g.parent_id = {} ORDER BY u.birth_date",
        school_id,
        parent_id,
    )
    return [(row["first_name"], row["class_name"], row["birth_date"]) for row in rows]
