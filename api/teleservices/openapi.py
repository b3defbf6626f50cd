"""The error statuses an operation declares in the OpenAPI document, all in the one error shape."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from api.errors import ErrorResponse

_DESCRIPTIONS = {
    400: "Requête invalide (champ manquant, valeur hors limites).",
    401: "Non connecté, ou session expirée.",
    403: "Profil non autorisé, jeton CSRF manquant, ou demande en lecture seule.",
    404: "Introuvable, ou pas dans votre établissement ou votre famille.",
    409: "Impossible dans l'état actuel de la demande, ou téléservice fermé.",
    413: "Fichier trop volumineux.",
    415: "Type de fichier non accepté.",
    429: "Trop d'envois : réessayez plus tard.",
}


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """400, 401 and 403 (every signed-in operation can answer them), plus `statuses`."""
    return {
        status: ResponseSpec(ErrorResponse, description=_DESCRIPTIONS[status])
        for status in sorted({400, 401, 403, *statuses})
    }
