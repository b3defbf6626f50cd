"""`just test`: the whole suite in two lanes at once, the browser tests and the others.

Why: the browser tests spend much of their time waiting on Chromium and the app server, the others
on the in-process app and PostgreSQL; side by side they keep the machine's cores busy and the suite
ends sooner than one after the other (measured on the 2-core CI machine: see ARCHITECTURE.md).
Each lane is a pytest run of its own, with its own embedded PostgreSQL, app server and statement
log (tests/conftest.py), so neither sees the other's data; each lane ends with the Citus check of
what it ran (`after_all`). The browser lane prints as it goes; the other lane's report follows.

With arguments (`just test tests/test_x.py -k name`), one plain pytest run of what they name.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile

LANES = {
    "browser": ["-m", "browser or after_all"],
    "api": ["-m", "not browser"],
}


def main(arguments: list[str]) -> int:
    pytest = [sys.executable, "-m", "pytest"]
    if arguments:
        os.execv(sys.executable, [*pytest, *arguments])
    with tempfile.TemporaryFile("w+", encoding="utf-8") as api_report:
        # Its own session (process group): a Ctrl-C here stops it too, below, not half of it.
        api = subprocess.Popen([*pytest, *LANES["api"], "-p", "no:cacheprovider"], stdout=api_report,
                               stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        try:
            browser = subprocess.run([*pytest, *LANES["browser"]], check=False).returncode
            api_code = api.wait()
        except KeyboardInterrupt:
            os.killpg(api.pid, signal.SIGINT)
            api.wait()
            raise
        api_report.seek(0)
        print("\n==== The tests without a browser (run alongside) ====", flush=True)
        sys.stdout.write(api_report.read())
    # pytest's 5 (nothing collected) is a failure for a lane: each lane has tests.
    return max(browser, api_code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
