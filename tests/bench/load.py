"""Load with wrk: a Lua script spreads requests over pre-made request lines (one per line: the path,
then its headers), so 64 sessions or 64 phones share the connections, and every phone request carries
its own pre-signed DPoP proof (a proof's `jti` is accepted once).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = r"""
local threads_started = 0
function setup(thread)
  thread:set("thread_index", threads_started)
  threads_started = threads_started + 1
end

local requests = {}
local position = 0

function init(args)
  local file, threads = args[1], tonumber(args[2])
  local line_number = 0
  for line in io.lines(file) do
    if line_number % threads == thread_index then
      local fields = {}
      for field in string.gmatch(line, "[^\t]+") do fields[#fields + 1] = field end
      local headers = {}
      for i = 2, #fields do
        local name, value = string.match(fields[i], "^([^:]+): (.*)$")
        headers[name] = value
      end
      requests[#requests + 1] = wrk.format("GET", fields[1], headers)
    end
    line_number = line_number + 1
  end
end

function request()
  position = position + 1
  if position > #requests then position = 1 end
  return requests[position]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        """Successful answers per second: an error (a refused proof, a 503) is not throughput."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


class Wrk:
    def __init__(self) -> None:
        self.binary = shutil.which("wrk")
        if self.binary is None:
            raise SystemExit("wrk is needed: apt-get install -y wrk")
        self.folder = tempfile.TemporaryDirectory(prefix="cartable-wrk-")
        self.script = Path(self.folder.name) / "spread.lua"
        self.script.write_text(WRK_SCRIPT)

    def run(self, base_url: str, lines: list[str], *, connections: int, seconds: float) -> Result:
        """`lines`: "path\\tHeader: value\\t…"; cycled (sessions) or used once each (DPoP proofs)."""
        requests_file = Path(self.folder.name) / "requests.tsv"
        requests_file.write_text("\n".join(lines) + "\n")
        threads = 1  # one event loop drives 64 connections easily, and leaves the CPU to the server
        command = [self.binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                   "-s", str(self.script), base_url, "--", str(requests_file), str(threads)]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULT "))
        data = json.loads(line[len("RESULT ") :])
        return Result(
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            errors=data["status_errors"] + data["socket_errors"],
        )

    def close(self) -> None:
        self.folder.cleanup()


def session_lines(students, path_of, cookie_name: str) -> list[str]:
    return [f"{path_of(s)}\tCookie: {cookie_name}={s.cookie}" for s in students]


def device_lines(students, path_of, origin: str, count: int) -> list[str]:
    """`count` requests over the phones, each with a fresh proof signed now (iat within the server's window)."""
    lines = []
    for index in range(count):
        student = students[index % len(students)]
        path = path_of(student)
        proof = student.device_key.proof("GET", origin + path, access_token=student.device_token)
        lines.append(f"{path}\tAuthorization: DPoP {student.device_token}\tDPoP: {proof}")
    return lines


def wait_a_little() -> None:
    """Let PostgreSQL's background writer and the server settle between two runs."""
    time.sleep(0.5)
