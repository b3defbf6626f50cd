"""Fill the contact directory for accounts made before it existed (a data directory older than the
directory's migration): without it, activation and recovery find no one by phone or e-mail there.

The keys are those of api/accounts/directory.py at the time of writing, frozen here in SQL: a phone's
last nine digits (what "06 12 34 56 78", "+33 6 12 34 56 78" and "0033…" share), a trimmed lower-case
e-mail. One school at a time (shard-local); rows already there are kept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from db.sharding import run_statements

ID = "2026-11-25T05:20:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "contact directory backfill"

BACKFILL = r"""
DO $$
DECLARE s uuid;
BEGIN
  FOR s IN SELECT id FROM school LOOP
    INSERT INTO contact_directory (id, contact, school_id, user_id)
    SELECT gen_random_uuid(), k.contact, u.school_id, u.id
      FROM app_user u
      CROSS JOIN LATERAL (VALUES
        (CASE WHEN length(regexp_replace(coalesce(u.phone, ''), '\D', '', 'g')) >= 9
              THEN 'tel:' || right(regexp_replace(u.phone, '\D', '', 'g'), 9) END),
        (CASE WHEN position('@' IN coalesce(u.email, '')) > 0 THEN 'email:' || lower(trim(u.email)) END)
      ) AS k(contact)
     WHERE u.school_id = s AND k.contact IS NOT NULL
    ON CONFLICT (contact, school_id, user_id) DO NOTHING;
  END LOOP;
END $$;
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(run_statements([BACKFILL]))
    return manager
