"""The daily reminder (opt-in, 18:00 by default): homework due tomorrow that is not marked done.

Each sweep of the worker looks, per school, at the profiles whose reminder time has passed today
(school time) and who were not looked at yet today; each child of theirs with homework left for
tomorrow gets one reminder event, for that device only (quiet hours and muted children apply, as for
every notification). The day is recorded whatever was found, so a profile is looked at once a day.
A device that ended (`device_ended`, api/pairing/device_auth.py), or whose reader's account is
disabled, is not looked at.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.pairing.device_auth import device_ended
from api.pairing.tokens import DEVICE_LIFETIME, SHARED_IDLE
from piccolo_conf import DB

# $1 school, $2 now, $3 device lifetime, $4 a shared computer's idle time.
_QUEUE = """
WITH looked_at AS (
    UPDATE push_settings st SET reminder_sent_on = ($2::timestamptz AT TIME ZONE sc.timezone)::date
    FROM school sc, push_subscription s, device d, app_user u
    WHERE st.school_id = $1 AND sc.id = $1 AND s.school_id = $1 AND s.device_id = st.device_id
      AND d.school_id = $1 AND d.id = st.device_id AND NOT {ended}
      AND u.school_id = $1 AND u.id = s.user_id AND NOT u.disabled
      AND st.reminder_enabled
      AND ($2::timestamptz AT TIME ZONE sc.timezone)::time >= st.reminder_time
      AND (st.reminder_sent_on IS NULL OR st.reminder_sent_on < ($2::timestamptz AT TIME ZONE sc.timezone)::date)
    RETURNING s.id AS subscription_id, s.user_id, st.muted, st.quiet_start, st.quiet_end, sc.timezone,
              ($2::timestamptz AT TIME ZONE sc.timezone)::date + 1 AS tomorrow
), left_to_do AS (
    SELECT gen_random_uuid() AS event_id, l.subscription_id, l.user_id, a.student_id, count(*) AS works,
           push_due_at($2, l.quiet_start, l.quiet_end, l.timezone) AS due_at
    FROM looked_at l
    CROSS JOIN LATERAL family_audience($1, l.user_id, NULL) a
    JOIN homework h ON h.school_id = $1 AND h.due_on = l.tomorrow
                   AND reaches(a.class_ids, a.group_ids, h.class_id, h.group_id)
    WHERE NOT l.muted ? (a.student_id::text || ':reminder')
      AND NOT EXISTS (SELECT 1 FROM homework_done hd WHERE hd.school_id = $1 AND hd.homework_id = h.id
                                                     AND hd.student_id = a.student_id AND hd.done)
    GROUP BY l.subscription_id, l.user_id, a.student_id, l.quiet_start, l.quiet_end, l.timezone
), event AS (
    INSERT INTO notification_event (id, school_id, kind, student_id, user_id, params, screen, not_before, created_at)
    SELECT event_id, $1, 'reminder', student_id, user_id, jsonb_build_object('count', works), 'devoirs', $2, $2
    FROM left_to_do
)
INSERT INTO notification_delivery (id, school_id, event_id, subscription_id, state, digest, due_at, attempts,
                                   last_error)
SELECT gen_random_uuid(), $1, event_id, subscription_id, 'pending', due_at <> $2, due_at, 0, '' FROM left_to_do
""".replace("{ended}", device_ended("d", "$1", "$2::timestamptz", "$3", "$4"))


async def queue_due(school_id: UUID, moment: datetime) -> None:
    await DB.pool.execute(_QUEUE, school_id, moment, DEVICE_LIFETIME, SHARED_IDLE)
