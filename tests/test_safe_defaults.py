"""Safe defaults: no default configuration lets anyone but this machine read a code from the demo outbox."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from api.__main__ import listen_address
from api.config import get_settings
from tests.accounts_builders import make_parent_to_activate
from tests.factories import make_family
from tests.fixtures.api import client_from
from tests.server import ROOT, free_port, start_app_server

ACTIVATION = {"last_name": "Dupont", "first_name": "Sophie", "phone": "06 12 34 56 78"}


def test_demo_mode_is_on_by_default_only_with_the_embedded_database(configure):
    configure(DATABASE_URL=None, CARTABLE_DEMO=None)
    assert get_settings().demo_mode is True  # `./just run` on a fresh machine: the demo school
    configure(DATABASE_URL="postgresql://db.example/cartable")
    assert get_settings().demo_mode is False  # a real server: no demo unless asked for
    configure(CARTABLE_DEMO="1")
    assert get_settings().demo_mode is True


def test_the_server_listens_on_this_machine_unless_an_address_is_given(configure):
    configure(HOST=None, CARTABLE_DEMO="1", CARTABLE_DEMO_PUBLIC=None)
    assert listen_address(get_settings()) == "127.0.0.1"
    configure(HOST="::1")
    assert listen_address(get_settings()) == "::1"
    for public in ("0.0.0.0", "::", "192.0.2.10", "cartable.example"):
        configure(HOST=public)
        with pytest.raises(SystemExit, match="CARTABLE_DEMO_PUBLIC=1"):
            listen_address(get_settings())
    configure(HOST="0.0.0.0", CARTABLE_DEMO_PUBLIC="1")  # a demo open to the network, on purpose
    assert listen_address(get_settings()) == "0.0.0.0"
    configure(CARTABLE_DEMO="0", CARTABLE_DEMO_PUBLIC=None)  # production: any address
    assert listen_address(get_settings()) == "0.0.0.0"


def test_a_demo_published_under_a_public_url_needs_the_same_flag(configure):
    """Behind a reverse proxy on the same machine, the app listens on 127.0.0.1 and every request comes
    from loopback: a PUBLIC_URL that is not this machine's says the demo is reachable from elsewhere."""
    configure(HOST=None, CARTABLE_DEMO="1", CARTABLE_DEMO_PUBLIC=None)
    for public_url in ("https://cartable.example", "http://192.0.2.10:8000", "http://cartable.local:8000",
                       "https://127.0.0.1.nip.io", "cartable.example"):  # fmt: skip
        configure(PUBLIC_URL=public_url)
        with pytest.raises(SystemExit, match=r"(?s)PUBLIC_URL.*CARTABLE_DEMO_PUBLIC=1"):
            listen_address(get_settings())
    for local_url in (None, "", "http://localhost:8000", "http://127.0.0.1:9000/", "http://[::1]:8000"):
        configure(PUBLIC_URL=local_url)  # `./just run`: PUBLIC_URL unset, http://localhost:$PORT
        assert listen_address(get_settings()) == "127.0.0.1"
    configure(PUBLIC_URL="https://demo.cartable.example", CARTABLE_DEMO_PUBLIC="1")  # on purpose
    assert listen_address(get_settings()) == "127.0.0.1"
    configure(CARTABLE_DEMO="0", CARTABLE_DEMO_PUBLIC=None)  # production behind its proxy
    assert listen_address(get_settings()) == "127.0.0.1"


@pytest.mark.parametrize(
    "exposure", [{"HOST": "0.0.0.0"}, {"HOST": None, "PUBLIC_URL": "https://cartable.example"}], ids=["host", "url"]
)
def test_a_demo_on_a_public_address_refuses_to_start_with_a_clear_message(exposure):
    environment = {name: value for name, value in os.environ.items() if name not in {"CARTABLE_DEMO_PUBLIC", "HOST"}}
    environment.update({"CARTABLE_DEMO": "1", "PORT": str(free_port()), **exposure})
    started = subprocess.run(
        [sys.executable, "-m", "api"],
        cwd=ROOT,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 1
    assert "mode démonstration" in started.stderr and "CARTABLE_DEMO_PUBLIC=1" in started.stderr
    assert ("PUBLIC_URL" in started.stderr) is ("PUBLIC_URL" in exposure)
    assert "Cartable est prêt" not in started.stdout


def test_python_m_api_with_database_url_serves_without_demo_on_loopback():
    """`python -m api` as `just serve` runs it, on the tests' DATABASE_URL: no demo, no outbox."""
    port = free_port()
    process = start_app_server(port, env={"CARTABLE_DEMO": None, "HOST": None}, command=[sys.executable, "-m", "api"])
    try:
        outbox = httpx.get(f"http://127.0.0.1:{port}/api/demo/outbox", timeout=5)
        assert outbox.status_code == 404 and outbox.json()["error"]["code"] == "not_found"
    finally:
        process.terminate()
        process.wait(timeout=15)


async def test_the_outbox_answers_this_machine_only(app, client):
    family = await make_family()
    await make_parent_to_activate(family)
    assert (await client.post("/api/accounts/activation/start", json=ACTIVATION)).status_code == 200
    here = await client.get("/api/demo/outbox")  # the in-process client is 127.0.0.1
    assert here.status_code == 200 and "code d'activation" in here.json()["messages"][0]["body"]

    for peer in ("192.0.2.10", "10.0.0.7", "2001:db8::1"):
        async with client_from(app, peer) as stranger:
            refused = await stranger.get("/api/demo/outbox")
            assert refused.status_code == 403, peer
            assert refused.json()["error"]["code"] == "local_only"
            assert "ordinateur" in refused.json()["error"]["message"]
            assert "messages" not in refused.json()
    # A request a local reverse proxy forwarded comes from elsewhere, whatever its TCP peer.
    for header in ({"X-Forwarded-For": "192.0.2.10"}, {"Forwarded": "for=192.0.2.10"}):
        forwarded = await client.get("/api/demo/outbox", headers=header)
        assert forwarded.status_code == 403 and forwarded.json()["error"]["code"] == "local_only"


async def test_a_dns_rebinding_page_in_a_local_browser_cannot_read_the_outbox(client, configure):
    """A page of rebinding.example, its name then pointed at 127.0.0.1, reads "its own" origin from a
    browser on this machine: a loopback peer, but its requests name its host."""
    family = await make_family()
    await make_parent_to_activate(family)
    assert (await client.post("/api/accounts/activation/start", json=ACTIVATION)).status_code == 200
    for host in ("rebinding.example:8000", "rebinding.example", "localhost.rebinding.example", "127.0.0.1.nip.io"):
        refused = await client.get("/api/demo/outbox", headers={"Host": host})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "local_only", host
        assert "messages" not in refused.json()
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
        assert (await client.get("/api/demo/outbox", headers={"Host": host})).status_code == 200, host
    configure(PUBLIC_URL="http://cartable.local:8000")  # the machine's own name, when PUBLIC_URL gives one
    assert (await client.get("/api/demo/outbox", headers={"Host": "cartable.local:8000"})).status_code == 200
