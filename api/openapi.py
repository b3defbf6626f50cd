"""The error statuses an operation declares in the OpenAPI document, all in the one error shape.

    @post("/…", responses=errors(404, 409))

400, 401 and 403 are always declared: every signed-in operation can answer them (bad input, no
session, wrong profile or missing CSRF token). `tests/test_openapi_contract.py` enforces it.
"""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from api.errors import ErrorResponse

_DESCRIPTIONS = {
    400: "Requête invalide (champ manquant, valeur hors limites).",
    401: "Non connecté, ou session expirée.",
    403: "Profil non autorisé, jeton CSRF manquant, ou demande en lecture seule.",
    404: "Introuvable, ou pas dans votre établissement, votre famille ou vos classes.",
    409: "Impossible dans l'état actuel (déjà traité, publié ou rendu, délai passé, fonction fermée).",
    413: "Fichier trop volumineux.",
    415: "Type de fichier non accepté.",
    429: "Trop d'envois : réessayez plus tard.",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """400, 401 and 403, plus `statuses`."""
    return {
        status: ResponseSpec(ErrorResponse, description=_DESCRIPTIONS[status])
        for status in sorted({400, 401, 403, *statuses})
    }
