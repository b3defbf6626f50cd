"""No index that another one already serves: school_id alone (the primary key (school_id, id)
leads with it), and the foreign-key indexes that a unique or dated index starts with."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import UUID

from db.sharding import run_statements

ID = "2026-12-07T09:23:08:148436"
VERSION = "1.38.0"
DESCRIPTION = "no redundant indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="teleservices", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="BourseCeiling",
        tablename="bourse_ceiling",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="BourseEchelon",
        tablename="bourse_echelon",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="BoursePiece",
        tablename="bourse_piece",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="BourseRequest",
        tablename="bourse_request",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="ContactChange",
        tablename="contact_change",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OrientationForm",
        tablename="orientation_form",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="OrientationWish",
        tablename="orientation_wish",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="PostalAddress",
        tablename="postal_address",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="TeleserviceCampaign",
        tablename="teleservice_campaign",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.alter_column(
        table_class_name="TeleserviceEvent",
        tablename="teleservice_event",
        column_name="school_id",
        db_column_name="school_id",
        params={"index": False},
        old_params={"index": True},
        column_class=UUID,
        old_column_class=UUID,
        schema=None,
    )

    manager.add_raw(
        run_statements(
            [
                "DROP INDEX bourse_ceiling_school_year_id_idx",
                "DROP INDEX bourse_echelon_school_year_id_idx",
                "DROP INDEX bourse_request_campaign_id_idx",
                "DROP INDEX orientation_form_campaign_id_idx",
                "DROP INDEX orientation_wish_form_id_idx",
                "DROP INDEX teleservice_campaign_school_year_id_idx",
            ]
        )
    )

    return manager
