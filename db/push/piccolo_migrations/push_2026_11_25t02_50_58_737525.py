"""Distribute the push tables by school (composite keys and references), their indexes, and the
function that moves a notification out of a device's quiet hours."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T02:50:58:737525"
VERSION = "1.38.0"
DESCRIPTION = "shard by school, quiet hours"

# When a notification due `at` may go out on a device whose quiet hours (local times in `zone`, the
# school's) are quiet_start–quiet_end: `at` itself, or the end of the quiet hours it falls in.
PUSH_DUE_AT = """
CREATE OR REPLACE FUNCTION push_due_at(at timestamptz, quiet_start time, quiet_end time, zone text)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN quiet_start IS NULL OR quiet_end IS NULL OR quiet_start = quiet_end THEN at
        WHEN CASE WHEN quiet_start < quiet_end
                  THEN local::time >= quiet_start AND local::time < quiet_end
                  ELSE local::time >= quiet_start OR local::time < quiet_end END
        THEN (local::date + quiet_end
              + CASE WHEN local::time >= quiet_end THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE zone
        ELSE at END
    FROM (SELECT at AT TIME ZONE zone AS local) AS moment
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="push", description=DESCRIPTION)
    manager.add_raw(run_statements([
        'ALTER TABLE push_subscription DROP CONSTRAINT push_subscription_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE push_subscription ADD CONSTRAINT push_subscription_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE push_settings DROP CONSTRAINT push_settings_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE push_settings ADD CONSTRAINT push_settings_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE notification_event DROP CONSTRAINT notification_event_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE notification_event ADD CONSTRAINT notification_event_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE notification_delivery DROP CONSTRAINT notification_delivery_pkey, ADD PRIMARY KEY (school_id, id)',
        'ALTER TABLE notification_delivery ADD CONSTRAINT notification_delivery_school_fk FOREIGN KEY (school_id) REFERENCES school (id)',
        'ALTER TABLE push_subscription ADD CONSTRAINT push_subscription_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS push_subscription_user_id_idx ON push_subscription (school_id, user_id)',
        'ALTER TABLE push_subscription ADD CONSTRAINT push_subscription_device_id_fk FOREIGN KEY (school_id, device_id) REFERENCES device (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS push_subscription_device_id_idx ON push_subscription (school_id, device_id)',
        'ALTER TABLE push_settings ADD CONSTRAINT push_settings_device_id_fk FOREIGN KEY (school_id, device_id) REFERENCES device (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS push_settings_device_id_idx ON push_settings (school_id, device_id)',
        'ALTER TABLE notification_event ADD CONSTRAINT notification_event_student_id_fk FOREIGN KEY (school_id, student_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS notification_event_student_id_idx ON notification_event (school_id, student_id)',
        'ALTER TABLE notification_event ADD CONSTRAINT notification_event_user_id_fk FOREIGN KEY (school_id, user_id) REFERENCES app_user (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS notification_event_user_id_idx ON notification_event (school_id, user_id)',
        'ALTER TABLE notification_delivery ADD CONSTRAINT notification_delivery_event_id_fk FOREIGN KEY (school_id, event_id) REFERENCES notification_event (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS notification_delivery_event_id_idx ON notification_delivery (school_id, event_id)',
        'ALTER TABLE notification_delivery ADD CONSTRAINT notification_delivery_subscription_id_fk FOREIGN KEY (school_id, subscription_id) REFERENCES push_subscription (school_id, id) ON DELETE CASCADE',
        'CREATE INDEX IF NOT EXISTS notification_delivery_subscription_id_idx ON notification_delivery (school_id, subscription_id)',
        'CREATE UNIQUE INDEX push_subscription_device_uq ON push_subscription (school_id, device_id)',
        'CREATE INDEX push_subscription_endpoint_idx ON push_subscription (school_id, endpoint)',
        'CREATE UNIQUE INDEX push_settings_device_uq ON push_settings (school_id, device_id)',
        'CREATE INDEX notification_event_source_idx ON notification_event (school_id, source_id)',
        "CREATE INDEX notification_delivery_due_idx ON notification_delivery (school_id, due_at) WHERE state IN ('pending', 'sending')",
        PUSH_DUE_AT,
    ]))
    return manager
