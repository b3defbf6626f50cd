"""A calendar feed's content, as iCalendar (RFC 5545, written with the `icalendar` package):
- a family's (a parent's for a child, or a student's own): the student's timetable, homework due,
  evaluation dates and the school calendar's events (the whole school's and the student's classes');
- a teacher's (and a staff member's or the head's, who may give lessons too): the lessons they give,
  the homework they set, by its due date, and the school calendar's events of the classes they teach
  (staff and the head: the whole school's, as their espace shows them).

Calendar apps poll the URL and reconcile by UID: every event keeps the UID of what it stands for
(`lesson-<id>@cartable`…) and its SEQUENCE is the thing's revision, so a moved lesson is updated in
place and a cancelled one becomes STATUS:CANCELLED instead of a duplicate. What is shown is what the
family app shows, through the same visibility rule (`family_audience`, `reaches`): evaluations only
once published, school events for the whole school or one of the student's classes. A school-side
reader's feed is their own, read from their own `teacher_id` as the espace's week of lessons is.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import nh3
from icalendar import Calendar, Event

from api.dates import school_zone
from api.events.read import TAUGHT_CLASSES
from api.events.structs import KINDS as EVENT_KINDS
from piccolo_conf import DB

PAST = timedelta(days=28)
FUTURE = timedelta(days=120)

# $1 school, $2 reader, $3 student, $4 first day, $5 last day, $6 now. For a school event, `subject` is
# its title, `room` its place and `status` its kind.
_ITEMS = """
SELECT 'lesson' AS kind, l.id, l.date AS day, l.date AS last_day,
       (l.date + l.starts_at) AT TIME ZONE sc.timezone AS starts_at,
       (l.date + l.ends_at) AT TIME ZONE sc.timezone AS ends_at, coalesce(s.name, '') AS subject, l.room,
       l.status, l.status_note, l.revision, coalesce(display_name(t.first_name, t.last_name), '') AS detail
FROM family_audience($1, $2, $3) a
JOIN school sc ON sc.id = $1
JOIN lesson l ON l.school_id = $1 AND reaches(a.class_ids, a.group_ids, l.class_id, l.group_id)
             AND l.date BETWEEN $4 AND $5
LEFT JOIN subject s ON s.school_id = $1 AND s.id = l.subject_id
LEFT JOIN app_user t ON t.school_id = $1 AND t.id = l.teacher_id
UNION ALL
SELECT 'homework', h.id, h.due_on, h.due_on, NULL, NULL, coalesce(s.name, ''), '', 'normal', '', h.revision, h.html
FROM family_audience($1, $2, $3) a
JOIN homework h ON h.school_id = $1 AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
               AND h.due_on BETWEEN $4 AND $5
LEFT JOIN subject s ON s.school_id = $1 AND s.id = h.subject_id
UNION ALL
SELECT 'evaluation', e.id, e.given_on, e.given_on, NULL, NULL, coalesce(s.name, ''), '', 'normal', '', e.revision,
       e.title
FROM family_audience($1, $2, $3) a
JOIN evaluation e ON e.school_id = $1 AND reaches(a.class_ids, a.group_ids, e.class_id, e.group_id)
                 AND e.given_on BETWEEN $4 AND $5 AND e.publish_at <= $6
LEFT JOIN subject s ON s.school_id = $1 AND s.id = e.subject_id
UNION ALL
SELECT 'event', ev.id, ev.first_day, ev.last_day, (ev.first_day + ev.starts_at) AT TIME ZONE sc.timezone,
       (ev.last_day + ev.ends_at) AT TIME ZONE sc.timezone, ev.title, ev.location, ev.kind, '',
       ev.revision, ev.details
FROM family_audience($1, $2, $3) a
JOIN school sc ON sc.id = $1
JOIN school_event ev ON ev.school_id = $1 AND ev.first_day <= $5 AND ev.last_day >= $4
WHERE NOT EXISTS (SELECT 1 FROM school_event_class c WHERE c.school_id = $1 AND c.event_id = ev.id)
   OR EXISTS (SELECT 1 FROM school_event_class c
              WHERE c.school_id = $1 AND c.event_id = ev.id AND reaches(a.class_ids, a.group_ids, c.class_id, NULL))
ORDER BY day, starts_at NULLS FIRST, kind, id
"""


# $1 school, $2 reader, $3 first day, $4 last day, $5 whether the reader sees the whole school's events
# (staff, head) rather than those of the classes they teach. A lesson's or homework's `subject` is its
# subject and class (or group): a teacher's week is many classes.
_SCHOOL_ITEMS = f"""
WITH {TAUGHT_CLASSES}
SELECT 'lesson' AS kind, l.id, l.date AS day, l.date AS last_day,
       (l.date + l.starts_at) AT TIME ZONE sc.timezone AS starts_at,
       (l.date + l.ends_at) AT TIME ZONE sc.timezone AS ends_at,
       concat_ws(' — ', nullif(s.name, ''), nullif(coalesce(k.name, g.name), '')) AS subject, l.room,
       l.status, l.status_note, l.revision, '' AS detail
FROM lesson l
JOIN school sc ON sc.id = $1
LEFT JOIN subject s ON s.school_id = $1 AND s.id = l.subject_id
LEFT JOIN school_class k ON k.school_id = $1 AND k.id = l.class_id
LEFT JOIN teaching_group g ON g.school_id = $1 AND g.id = l.group_id
WHERE l.school_id = $1 AND l.teacher_id = $2 AND l.date BETWEEN $3 AND $4
UNION ALL
SELECT 'homework', h.id, h.due_on, h.due_on, NULL, NULL,
       concat_ws(' — ', nullif(s.name, ''), nullif(coalesce(k.name, g.name), '')), '', 'normal', '', h.revision, h.html
FROM homework h
LEFT JOIN subject s ON s.school_id = $1 AND s.id = h.subject_id
LEFT JOIN school_class k ON k.school_id = $1 AND k.id = h.class_id
LEFT JOIN teaching_group g ON g.school_id = $1 AND g.id = h.group_id
WHERE h.school_id = $1 AND h.teacher_id = $2 AND h.due_on BETWEEN $3 AND $4
UNION ALL
SELECT 'event', ev.id, ev.first_day, ev.last_day, (ev.first_day + ev.starts_at) AT TIME ZONE sc.timezone,
       (ev.last_day + ev.ends_at) AT TIME ZONE sc.timezone, ev.title, ev.location, ev.kind, '',
       ev.revision, ev.details
FROM taught
JOIN school sc ON sc.id = $1
JOIN school_event ev ON ev.school_id = $1 AND ev.first_day <= $4 AND ev.last_day >= $3
WHERE $5::boolean
   OR NOT EXISTS (SELECT 1 FROM school_event_class c WHERE c.school_id = $1 AND c.event_id = ev.id)
   OR EXISTS (SELECT 1 FROM school_event_class c
              WHERE c.school_id = $1 AND c.event_id = ev.id AND reaches(taught.class_ids, NULL, c.class_id, NULL))
ORDER BY day, starts_at NULLS FIRST, kind, id
"""
SCHOOL_WIDE_ROLES = ("staff", "admin")


def plain_text(rich: str) -> str:
    """Teacher HTML as the text a calendar shows: no markup, entities decoded, blank lines squeezed."""
    spaced = re.sub(r"<(br|/p|/li|/div|/h\d)\b[^>]*>", "\n", rich, flags=re.IGNORECASE)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def _all_day(event: Event, day: date, last_day: date | None = None) -> None:
    event.add("dtstart", day)
    event.add("dtend", (last_day or day) + timedelta(days=1))
    event.add("transp", "TRANSPARENT")


def _event(row, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{row['kind']}-{row['id']}@cartable")
    event.add("dtstamp", stamp)
    event.add("sequence", row["revision"])
    subject = row["subject"]
    if row["kind"] == "lesson":
        cancelled = row["status"] == "cancelled"
        label = {"cancelled": "Annulé : ", "moved": "Déplacé : "}.get(row["status"], "")
        event.add("summary", f"{label}{subject}")
        event.add("dtstart", row["starts_at"])
        event.add("dtend", row["ends_at"])
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if row["room"]:
            event.add("location", f"Salle {row['room']}")
        event.add("description", "\n".join(filter(None, [row["detail"], row["status_note"]])))
    elif row["kind"] == "homework":
        event.add("summary", f"Travail à faire : {subject}")
        event.add("description", plain_text(row["detail"]))
        _all_day(event, row["day"])
    elif row["kind"] == "evaluation":
        event.add("summary", f"Évaluation : {row['detail']} ({subject})")
        _all_day(event, row["day"])
    else:
        event.add("summary", f"{EVENT_KINDS.get(row['status'], 'Événement')} : {subject}")
        if row["starts_at"] is None:
            _all_day(event, row["day"], row["last_day"])
        else:
            event.add("dtstart", row["starts_at"])
            event.add("dtend", row["ends_at"])
        if row["room"]:
            event.add("location", row["room"])
        if row["detail"]:
            event.add("description", row["detail"])
    return event


def _calendar(name: str, rows, moment: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Cartable//Agenda de la vie scolaire//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Cartable — {name}")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for row in rows:
        calendar.add_component(_event(row, moment))
    return calendar.to_ical()


async def _days(school_id, moment: datetime) -> tuple[date, date]:
    today = moment.astimezone(await school_zone(school_id)).date()  # the school's day
    return today - PAST, today + FUTURE


async def feed_calendar(school_id, reader_id, student_id, first_name: str, moment: datetime) -> bytes:
    """A family feed's iCalendar bytes."""
    first, last = await _days(school_id, moment)
    rows = await DB.pool.fetch(_ITEMS, school_id, reader_id, student_id, first, last, moment)
    return _calendar(first_name, rows, moment)


async def school_calendar(school_id, reader_id, role: str, first_name: str, moment: datetime) -> bytes:
    """A teacher's (staff member's, head's) own feed's iCalendar bytes."""
    first, last = await _days(school_id, moment)
    rows = await DB.pool.fetch(_SCHOOL_ITEMS, school_id, reader_id, first, last, role in SCHOOL_WIDE_ROLES)
    return _calendar(first_name, rows, moment)
