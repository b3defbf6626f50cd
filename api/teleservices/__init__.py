"""Téléservices: bourse and orientation requests; the family asks, the school decides.

Families (legal guardians) use `family.py`, the school's staff and administrator `school.py` and
`admin.py`; both sides change a request only through `requests.move`, which records every change
in `teleservice_event`. See db/teleservices/tables.py for the data.
"""
