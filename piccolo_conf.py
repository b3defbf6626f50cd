"""Piccolo's configuration: one engine, one Piccolo app per domain under db/."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from db.database import resolve_database_url

APPS = [
    "core",
    "accounts",
    "timetable",
    "homework",
    "evaluations",
    "vie_scolaire",
    "communication",
    "devices",
    "teleservices",
    "portal",
    "bulletins",
    "submissions",
    "canteen",
    "events",
    "alerts",
    "push",
    "feeds",
]

DB = PostgresEngine(config={"dsn": resolve_database_url()}, log_queries=False)

APP_REGISTRY = AppRegistry(apps=[f"db.{app}.piccolo_app" for app in APPS])
