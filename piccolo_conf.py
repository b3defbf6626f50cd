"""Piccolo's configuration: one engine, one Piccolo app per domain under db/.

Importing it connects to nothing and starts nothing: entry points call
`db.database.resolve_database_url()` first (see there).
"""

from piccolo.conf.apps import AppRegistry

from db.database import ENGINE_CONFIG, Engine

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

DB = Engine(config=ENGINE_CONFIG, log_queries=False)

APP_REGISTRY = AppRegistry(apps=[f"db.{app}.piccolo_app" for app in APPS])
