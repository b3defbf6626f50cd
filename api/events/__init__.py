"""The school calendar: the vie scolaire and the direction manage events (`school.py`), teachers
read them, and families read those of the whole school and of their child's class (`family.py`)."""
