"""The bourse scale of a school year: yearly amount per échelon, income ceilings per number of
dependent children. It is data the administrator edits (never figures in code); the simulator
and the school's decision read it.

The highest échelon whose ceiling the reference tax income does not exceed applies; a family with
more children than the scale lists reads the last line (the national scales end with "8 et plus").
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec

from api.errors import ApiError
from db.teleservices.tables import BourseCeiling, BourseEchelon
from piccolo_conf import DB

ScaleName = Literal["college", "lycee"]
Count = Annotated[int, msgspec.Meta(ge=1, le=20)]
Euros = Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]


class EchelonAmount(msgspec.Struct, forbid_unknown_fields=True):
    echelon: Count
    yearly_amount_cents: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]


class Ceiling(msgspec.Struct, forbid_unknown_fields=True):
    dependent_children: Count
    echelon: Count
    max_income: Euros


class Scale(msgspec.Struct, forbid_unknown_fields=True):
    echelons: Annotated[list[EchelonAmount], msgspec.Meta(max_length=20)]
    ceilings: Annotated[list[Ceiling], msgspec.Meta(max_length=400)]


class Simulation(msgspec.Struct):
    echelon: int | None  # None: above every ceiling, or no scale yet
    yearly_amount_cents: int | None
    label: str


def euros(cents: int) -> str:
    whole, rest = divmod(cents, 100)
    text = f"{whole:,}".replace(",", "\u202f")
    return f"{text},{rest:02d} €" if rest else f"{text} €"


async def load_scale(school_id: UUID, year_id: UUID, scale: str) -> Scale:
    echelons = (
        await BourseEchelon.select(BourseEchelon.echelon, BourseEchelon.yearly_amount_cents)
        .where(
            (BourseEchelon.school_id == school_id)
            & (BourseEchelon.school_year_id == year_id)
            & (BourseEchelon.scale == scale)
        )
        .order_by(BourseEchelon.echelon)
    )
    ceilings = (
        await BourseCeiling.select(BourseCeiling.dependent_children, BourseCeiling.echelon, BourseCeiling.max_income)
        .where(
            (BourseCeiling.school_id == school_id)
            & (BourseCeiling.school_year_id == year_id)
            & (BourseCeiling.scale == scale)
        )
        .order_by(BourseCeiling.dependent_children, BourseCeiling.echelon)
    )
    return Scale(echelons=[EchelonAmount(**row) for row in echelons], ceilings=[Ceiling(**row) for row in ceilings])


def expected_echelon(scale: Scale, dependent_children: int, income: int) -> int | None:
    if not scale.ceilings:
        return None
    children = min(dependent_children, max(c.dependent_children for c in scale.ceilings))
    reached = [c.echelon for c in scale.ceilings if c.dependent_children == children and income <= c.max_income]
    return max(reached) if reached else None


def amount_of(scale: Scale, echelon: int) -> int | None:
    return next((e.yearly_amount_cents for e in scale.echelons if e.echelon == echelon), None)


def simulate(scale: Scale, dependent_children: int, income: int) -> Simulation:
    if not scale.ceilings:
        return Simulation(None, None, "Le barème de cette année n'est pas encore publié.")
    echelon = expected_echelon(scale, dependent_children, income)
    if echelon is None:
        return Simulation(None, None, "Selon le barème, ces ressources dépassent le plafond : pas de bourse.")
    amount = amount_of(scale, echelon)
    return Simulation(echelon, amount, f"Échelon {echelon} : {euros(amount or 0)} par an (estimation).")


def check_scale(scale: Scale) -> None:
    """A usable scale: échelons 1..n each with an amount, every (children, échelon) ceiling given,
    a higher échelon for lower incomes, more children never lowering a ceiling."""
    problems: list[str] = []
    levels = sorted(e.echelon for e in scale.echelons)
    if levels != list(range(1, len(levels) + 1)):
        problems.append("Les échelons doivent être numérotés 1, 2, 3… sans trou ni doublon.")
    amounts = [e.yearly_amount_cents for e in sorted(scale.echelons, key=lambda e: e.echelon)]
    if amounts != sorted(amounts):
        problems.append("Le montant doit croître avec l'échelon.")
    grid = {(c.dependent_children, c.echelon): c.max_income for c in scale.ceilings}
    children = sorted({c.dependent_children for c in scale.ceilings})
    if len(grid) != len(scale.ceilings):
        problems.append("Un plafond est donné deux fois.")
    if children != list(range(1, len(children) + 1)):
        problems.append("Les plafonds doivent couvrir 1, 2, 3… enfants à charge sans trou.")
    if set(grid) != {(n, e) for n in children for e in levels}:
        problems.append("Il faut un plafond pour chaque nombre d'enfants et chaque échelon.")
    _reject(problems)
    if any(grid[(n, e)] <= grid[(n, e + 1)] for n in children for e in levels[:-1]):
        problems.append("Un échelon plus élevé doit avoir un plafond plus bas.")
    elif any(grid[(n, e)] > grid[(n + 1, e)] for n in children[:-1] for e in levels):
        problems.append("Un enfant de plus ne peut pas abaisser un plafond.")
    _reject(problems)


def _reject(problems: list[str]) -> None:
    if problems:
        raise ApiError(400, "invalid_scale", " ".join(problems), details={"problems": problems})


async def replace_scale(school_id: UUID, year_id: UUID, scale_name: str, scale: Scale) -> None:
    check_scale(scale)
    where_e = (
        (BourseEchelon.school_id == school_id)
        & (BourseEchelon.school_year_id == year_id)
        & (BourseEchelon.scale == scale_name)
    )
    where_c = (
        (BourseCeiling.school_id == school_id)
        & (BourseCeiling.school_year_id == year_id)
        & (BourseCeiling.scale == scale_name)
    )
    common = {"school_id": school_id, "school_year_id": year_id, "scale": scale_name}
    async with DB.transaction():
        await BourseEchelon.delete().where(where_e)
        await BourseCeiling.delete().where(where_c)
        if scale.echelons:
            await BourseEchelon.insert(*[BourseEchelon(**common, **msgspec.structs.asdict(e)) for e in scale.echelons])
        if scale.ceilings:
            await BourseCeiling.insert(*[BourseCeiling(**common, **msgspec.structs.asdict(c)) for c in scale.ceilings])
