"""Téléservices of the demo school: bourse campaigns open today, the year's bourse scales, and requests
in every state with their history, so both sides have something to show.

Orientation (3e) is at the final phase's class council: the provisional phase is over, the families'
window of the final one closed three days ago, and they may answer the council for 18 more days. Most
families sent their wishes (the council answered most of them); some sent none, and the council
proposes without wishes for them (api/teleservices/orientation_proposal.py): two students of families
who never used the app have no fiche, one family left a draft (the secretariat's proposal is to be made:
its wishes then show to the family as "non transmis"), and for another one the council has proposed.

The scales are DEMONSTRATION DATA in the shape of the national ones (collège: 3 échelons, income
ceilings for 1 to "8 and more" dependent children, as in 2025-2026; lycée: 6 échelons), with
plausible figures: they are not the official scale, which the administrator types in each year.

The demo's tax notices are one small generated PDF (db/seed/files.py), so they can be downloaded.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import msgspec

from api.accounts.phones import normalise_phone
from api.teleservices.contact import Address, address_text
from db.core.tables import SchoolYear
from db.seed import plan as p
from db.seed.files import demo_pdf, stored_pdf
from db.teleservices.tables import (
    BourseCeiling,
    BourseEchelon,
    BoursePiece,
    BourseRequest,
    ContactChange,
    OrientationForm,
    OrientationWish,
    PostalAddress,
    TeleserviceCampaign,
    TeleserviceEvent,
)

# Échelon -> yearly amount in euros; children -> ceilings (euros) for échelons 1, 2, 3…
COLLEGE_AMOUNTS = {1: 117, 2: 324, 3: 486}
COLLEGE_CEILINGS = {
    1: (17_800, 9_620, 3_395),
    2: (21_900, 11_840, 4_176),
    3: (26_010, 14_060, 4_960),
    4: (30_120, 16_280, 5_744),
    5: (34_230, 18_500, 6_528),
    6: (38_330, 20_720, 7_310),
    7: (42_440, 22_940, 8_093),
    8: (46_550, 25_160, 8_877),
}
LYCEE_AMOUNTS = {1: 489, 2: 603, 3: 714, 4: 828, 5: 954, 6: 1_071}
LYCEE_CEILINGS = {
    1: (21_370, 16_916, 14_367, 11_587, 7_201, 2_814),
    2: (23_012, 18_456, 15_672, 12_639, 8_002, 3_363),
    3: (26_299, 21_531, 18_285, 14_747, 9_602, 4_457),
    4: (30_409, 24_609, 20_897, 16_854, 11_201, 5_549),
    5: (34_519, 29_223, 24_815, 20_014, 13_602, 7_190),
    6: (39_451, 33_835, 28_734, 23_176, 16_004, 8_829),
    7: (44_382, 38_450, 32_653, 26_334, 18_403, 10_472),
    8: (49_314, 43_066, 36_573, 29_494, 20_804, 12_111),
}
SCALES = {"bourse_college": (COLLEGE_AMOUNTS, COLLEGE_CEILINGS), "bourse_lycee": (LYCEE_AMOUNTS, LYCEE_CEILINGS)}
# The states the demo shows, in the order the families' requests are given them.
BOURSE_STATES = ["granted", "filed", "incomplete", "completed", "refused", "draft", "withdrawn", "granted", "filed"]
# Orientation: the provisional phase is over (an answer the family never replied to stays "answered"); in
# the final phase, the council has answered most fiches and the families are replying.
PROVISIONAL_STATES = ["accepted", "answered", "accepted", "declined", "draft", "accepted", "answered", "accepted"]
FINAL_STATES = ["answered", "accepted", "submitted", "answered", "accepted", "declined", "accepted"]
# Days before today: provisional phase opens, closes, replies until; final phase opens, closes.
ORIENTATION_DAYS_AGO = (66, 45, 31, 24, 3)
FINAL_REPLIES_DAYS = 18  # after today
COUNCIL_REMARKS = {
    "orientation_provisional": "Avis du conseil du 2e trimestre.",
    "orientation_final": "Réponse du conseil du 3e trimestre.",
}
# The draft the council proposed for: the family's saved wishes, never sent, and the council's proposal.
UNSENT_WISHES = [("2pro", "Métiers de la relation client"), ("cap", "Équipier polyvalent du commerce")]
PROPOSAL = ("2gt", "")
PROPOSAL_COMMENT = (
    "Aucun vœu transmis. Le conseil de classe propose une 2de générale et technologique : résultats réguliers "
    "dans toutes les disciplines."
)
PIECE_ASKED = "Merci de joindre l'avis d'imposition complet (toutes les pages) : la page 2 manque."


class _Seeder:
    def __init__(self, plan: p.Plan):
        self.plan = plan
        self.rng = random.Random(f"cartable-teleservices:{plan.uai}")
        self.year_id = plan.rows[SchoolYear][0]["id"]
        self.cpe = next(person for person in plan.staff if person.role == "staff" and person.state == "ready")
        self.notice = demo_pdf(
            "Avis d'impot - document de demonstration",
            "Ce document factice illustre une piece jointe a une demande de bourse dans Cartable.",
        )

    def moment(self, days_ago: int, hour: int) -> datetime:
        return self.on(self.plan.today - timedelta(days=days_ago), hour)

    def on(self, day: date, hour: int) -> datetime:
        return self.plan.past(self.plan.at(min(day, self.plan.today), time(hour, self.rng.randint(0, 59))))

    def campaign(self, service: str, level: str, opens: date, closes: date, replies: date) -> dict:
        return self.plan.add(
            TeleserviceCampaign,
            school_year_id=self.year_id,
            service=service,
            level=level,
            opens_on=opens,
            closes_on=closes,
            replies_until=replies,
            updated_at=self.moment(30, 9),
        )

    def scale(self, name: str, amounts: dict, ceilings: dict) -> None:
        for echelon, euros in amounts.items():
            self.plan.add(
                BourseEchelon, school_year_id=self.year_id, scale=name, echelon=echelon, yearly_amount_cents=euros * 100
            )
        for children, row in ceilings.items():
            for echelon, ceiling in enumerate(row, 1):
                self.plan.add(
                    BourseCeiling,
                    school_year_id=self.year_id,
                    scale=name,
                    dependent_children=children,
                    echelon=echelon,
                    max_income=ceiling,
                )

    def event(self, column: str, request_id, action: str, states: tuple[str, str], actor, when, message=""):
        self.plan.add(
            TeleserviceEvent,
            **{column: request_id},
            action=action,
            from_state=states[0],
            to_state=states[1],
            actor_id=actor.id,
            message=message,
            created_at=when,
        )

    def piece(self, request_id, kind: str, parent, when) -> None:
        self.plan.add(
            BoursePiece,
            request_id=request_id,
            kind=kind,
            uploaded_by_id=parent.id,
            created_at=when,
            **stored_pdf(self.plan, "avis-imposition.pdf", self.notice),
        )

    def resources(self, service: str, state: str, echelon: int) -> tuple[int, int]:
        """(dependent children, reference income) that agree with the seeded scale: within `echelon`'s
        bracket for a grant, above the first ceiling for a refusal (the reason says so), any else."""
        children = self.rng.randint(1, 4)
        ceilings = SCALES[service][1][children]  # ceilings of échelons 1, 2, 3… (decreasing)
        if state == "granted":
            lowest = ceilings[echelon] + 10 if echelon < len(ceilings) else 500
            return children, self.rng.randrange(lowest, ceilings[echelon - 1] + 1, 10)
        if state == "refused":
            return children, self.rng.randrange(ceilings[0] + 10, ceilings[0] + 9_000, 10)
        return children, self.rng.randrange(2_000, 24_000, 10)

    def bourse(self, campaign: dict, student: p.Student, state: str, echelon: int = 2) -> None:
        """A request that went through the usual steps up to `state`, each step an event."""
        parent = student.parents[0]
        days = 18
        children, income = self.resources(campaign["service"], state, echelon)
        request = self.plan.add(
            BourseRequest,
            campaign_id=campaign["id"],
            student_id=student.id,
            filed_by_id=parent.id,
            state=state,
            dependent_children=children,
            reference_income=income,
            sworn_statement=state != "draft",
            created_at=self.moment(days, 20),
            updated_at=self.moment(2, 11),
        )
        rid, column = request["id"], "bourse_request_id"
        self.event(column, rid, "create", ("", "draft"), parent, self.moment(days, 20))
        self.piece(rid, "tax_notice", parent, self.moment(days, 21))
        steps = {
            "draft": [],
            "filed": [("file", "filed", parent)],
            "incomplete": [("file", "filed", parent), ("request_piece", "incomplete", self.cpe)],
            "completed": [
                ("file", "filed", parent),
                ("request_piece", "incomplete", self.cpe),
                ("complete", "completed", parent),
            ],
            "granted": [("file", "filed", parent), ("grant", "granted", self.cpe)],
            "refused": [("file", "filed", parent), ("refuse", "refused", self.cpe)],
            "withdrawn": [("file", "filed", parent), ("withdraw", "withdrawn", parent)],
        }[state]
        before = "draft"
        for index, (action, after, actor) in enumerate(steps):
            when = self.moment(days - 4 * (index + 1), 10 + index)
            message = {"request_piece": PIECE_ASKED, "refuse": "Ressources supérieures au plafond du barème."}.get(
                action, ""
            )
            if action == "complete":
                self.piece(rid, "additional", parent, when - timedelta(minutes=5))
            self.event(column, rid, action, (before, after), actor, when, message)
            before = after
        if state == "granted":
            request.update(echelon=echelon, yearly_amount_cents=SCALES[campaign["service"]][0][echelon] * 100)
        if state == "refused":
            request["decision_reason"] = "Ressources supérieures au plafond du barème."

    def orientation(self, campaign: dict, student: p.Student, state: str, wishes: list | None = None) -> None:
        """A fiche dialogue that went through the usual steps up to `state`: wishes saved and sent while
        the families' window was open, the class council's answer the day after it closed, the family's
        reply the day after. "proposed": a draft never sent, answered by the council's proposal made
        without wishes, its saved wishes kept as unsent (the family's own), as orientation_proposal.py does."""
        parent = student.parents[0]
        opens, closes = campaign["opens_on"], campaign["closes_on"]
        entered = opens + timedelta(days=(closes - opens).days // 3)
        saved = self.on(entered, 19)
        form = self.plan.add(
            OrientationForm,
            campaign_id=campaign["id"],
            student_id=student.id,
            state="answered" if state == "proposed" else state,
            created_at=saved,
            updated_at=saved,
        )
        fid, column = form["id"], "orientation_form_id"
        self.event(column, fid, "create", ("", "draft"), parent, saved)
        if wishes is None:  # most families rank two wishes
            wishes = [("2gt", ""), ("2pro", "Métiers de la relation client")][: 2 if self.rng.random() < 0.6 else 1]
        answered = state in ("answered", "accepted", "declined")
        for rank, (track, detail) in enumerate(wishes, 1):
            self.plan.add(
                OrientationWish,
                form_id=fid,
                origin="unsent" if state == "proposed" else "family",
                rank=rank,
                track=track,
                detail=detail,
                opinion=("favourable" if rank == 1 else "reserved") if answered else "",
                comment="Résultats solides, à confirmer au 3e trimestre." if answered and rank == 1 else "",
            )
        self.event(column, fid, "wishes", ("draft", "draft"), parent, self.on(entered, 20))
        if state == "proposed":
            council = self.on(closes + timedelta(days=1), 17)
            track, detail = PROPOSAL
            self.plan.add(OrientationWish, form_id=fid, origin="council", rank=1, track=track, detail=detail)
            self.event(column, fid, "propose", ("draft", "answered"), self.cpe, council, PROPOSAL_COMMENT)
            form.update(council_comment=PROPOSAL_COMMENT, answered_at=council, updated_at=council)
        if state in ("draft", "proposed"):
            return
        sent = self.on(opens + timedelta(days=(closes - opens).days * 2 // 3), 20)
        self.event(column, fid, "submit", ("draft", "submitted"), parent, sent)
        form["updated_at"] = sent
        if not answered:
            return
        council = self.on(closes + timedelta(days=1), 17)
        remark = COUNCIL_REMARKS[campaign["service"]]
        self.event(column, fid, "answer", ("submitted", "answered"), self.cpe, council, remark)
        form.update(council_comment=remark, answered_at=council, updated_at=council)
        if state in ("accepted", "declined"):
            when = self.on(closes + timedelta(days=2), 21)
            form.update(
                responded_by_id=parent.id, responded_at=when, meeting_requested=state == "declined", updated_at=when
            )
            action = {"accepted": "accept", "declined": "decline"}[state]
            self.event(column, fid, action, ("answered", state), parent, when)

    def contact_changes(self, parents: list[p.Person]) -> None:
        """A few guardians who changed a detail this year: the school's log has lines to show.
        Each account already holds the new detail; the old one is a fictional number or address."""
        moved, renumbered, remailed = parents[:3]
        old_address = Address("5 impasse des Tilleuls", "", "17240", "Saint-Genis-de-Saintonge")
        new_address = Address("18 rue de la Gare", "Appartement 3", "17800", "Pons")
        when = self.moment(9, 18)
        self.plan.add(PostalAddress, user_id=moved.id, **msgspec.structs.asdict(new_address), updated_at=when)
        changes = [
            (moved, "address", address_text(old_address), address_text(new_address), when),
            (renumbered, "phone", normalise_phone(self.plan.phones.take()), normalise_phone(renumbered.phone), None),
            (remailed, "email", f"ancienne.adresse.{self.rng.randint(10, 99)}@example.org", remailed.email, None),
        ]
        for days_ago, (parent, field, old, new, applied) in zip((9, 25, 60), changes, strict=True):
            applied = applied or self.moment(days_ago, 20)
            self.plan.add(
                ContactChange,
                user_id=parent.id,
                field=field,
                old_value=old,
                new_value=new,
                state="applied",
                created_at=applied - timedelta(minutes=3),
                applied_at=applied,
            )


def orientation_days(today: date, year_start: date) -> list[date]:
    """The orientation campaigns' dates: provisional opens, closes, replies until; final opens, closes,
    replies until. Early in the year the days before today are squeezed into those since the year began
    (an administrator's campaign never opens before its year, admin.py), the final window closing up to
    three days ago (on the first days of the year, today: still open)."""
    today = max(today, year_start)  # in the summer, the coming year's
    span, longest = (today - year_start).days, ORIENTATION_DAYS_AGO[0]
    ago = [max(min(days, 3, span), days * min(span, longest) // longest) for days in ORIENTATION_DAYS_AGO]
    return [today - timedelta(days=days) for days in ago] + [today + timedelta(days=FINAL_REPLIES_DAYS)]


def build(plan: p.Plan) -> None:
    seeder = _Seeder(plan)
    opens = max(plan.year_start, plan.today - timedelta(days=20))
    college = seeder.campaign(
        "bourse_college", "", opens, plan.today + timedelta(days=25), plan.today + timedelta(days=45)
    )
    lycee = seeder.campaign("bourse_lycee", "", opens, plan.today + timedelta(days=25), plan.today + timedelta(days=45))
    days = orientation_days(plan.today, plan.year_start)
    provisional = seeder.campaign("orientation_provisional", "3e", *days[:3])
    final = seeder.campaign("orientation_final", "3e", *days[3:])
    seeder.scale("college", COLLEGE_AMOUNTS, COLLEGE_CEILINGS)
    seeder.scale("lycee", LYCEE_AMOUNTS, LYCEE_CEILINGS)

    # The featured family acts on its own: Chloé's request waits for a piece, Lucas has none yet.
    by_name = {(s.first_name, s.last_name): s for s in plan.students}
    seeder.bourse(college, by_name[("Chloé", "Moreau")], "incomplete")
    ines = by_name.get(("Inès", "Benali"))
    if ines:
        seeder.bourse(college, ines, "granted")
    featured = {student.id for student in plan.featured} | {ines.id if ines else None}
    others = [
        s
        for s in plan.students
        if s.parents and s.id not in featured and not ({s.id} | {g.id for g in s.parents}) & plan.pristine
    ]
    for student, state in zip(seeder.rng.sample(others, len(BOURSE_STATES)), BOURSE_STATES, strict=True):
        seeder.bourse(college, student, state, echelon=seeder.rng.randint(1, 3))
    in_3e = [s for s in others if s.level == "3e"]
    for student, state in zip(in_3e, PROVISIONAL_STATES):
        seeder.orientation(provisional, student, state)
    for student in in_3e[len(PROVISIONAL_STATES) : len(PROVISIONAL_STATES) + 2]:
        seeder.bourse(lycee, student, "filed")
    # The final phase: the last two families sent no wishes (a draft each; the council proposed for the
    # first, the secretariat proposes for the second), nor did the families who never used the app.
    *sent, proposed, draft = in_3e
    for index, student in enumerate(sent):
        seeder.orientation(final, student, FINAL_STATES[index % len(FINAL_STATES)])
    seeder.orientation(final, proposed, "proposed", UNSENT_WISHES)
    seeder.orientation(final, draft, "draft")
    guardians = [g for s in others for g in s.parents if g.phone and g.email]
    seeder.contact_changes(list(dict.fromkeys(guardians)))
