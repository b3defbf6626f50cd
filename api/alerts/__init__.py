"""The students' alert button ("Signaler un harcèlement").

A student sends a confidential alert (`student.py`); only the staff the school designates read and
acknowledge it (`school.py`), and every opening is written to an audit log; the administrator
designates them, turns the button on or off and reads the log, never the alerts (`settings.py`).
Parents and teachers have no route here at all.
"""
