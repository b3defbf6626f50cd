"""Report cards (bulletins) per period.

Teachers write their appreciation per subject (`teachers.py`); the vie scolaire and the head of
school write the class council's general appreciation and mention (`council.py`); the head of
school publishes a period's report cards for classes from a date (`publication.py`); families read
them from that date, as data or as a PDF printed by the server (`family.py`, `render_pdf.py`).
Averages and positionings are computed from the published evaluations (`compute.py`), the whole
bulletin by `report.py`.
"""
