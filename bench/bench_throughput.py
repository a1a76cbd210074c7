"""Throughput of kept public pages, served as in production: gunicorn with 3 workers and
`DJANGO_DEBUG=0` (docs/deploy.md) on a SQLite file holding the demo council, loaded by `wrk`
(Debian's package) on 127.0.0.1 at concurrency 1 and 8, 10 s each.

Writes its table into docs/performance.md between the throughput markers (unless
GOLDEN_THREAD_BENCH_WRITE_DOCS=0). Asserts nothing about speed (machines differ); skipped
when `wrk` is not installed (`apt-get install -y wrk`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench_throughput: start -->", "<!-- bench_throughput: end -->"
SECONDS = int(os.environ.get("GOLDEN_THREAD_BENCH_THROUGHPUT_SECONDS", "10"))

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wrk(url: str, connections: int) -> tuple[float, str]:
    threads = min(connections, 2)
    found = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", found).group(1))
    latency = re.search(r"Latency\s+(\S+)", found).group(1)
    if "Non-2xx" in found:
        raise AssertionError(f"{url} answered errors under load:\n{found}")
    return rate, latency


def test_kept_public_pages_under_load():
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "DJANGO_DEBUG": "0",
        }
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "load_demo", "--if-empty", "-v0")
        _manage(env, "collectstatic", "--no-input", "-v0")
        port = _free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "goldenthread.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}/performance/"
            home = _wait_for(base)
            quarter = re.search(r'href="(/performance/scorecards/\d{4}-\d{2}-Q\d/)"', home)
            pages = {
                "public home page": base,
                "public quarter scorecard": f"http://127.0.0.1:{port}{quarter.group(1)}",
            }
            load_before = os.getloadavg()[0]
            rows = []
            for name, url in pages.items():
                size = len(urllib.request.urlopen(url).read())
                for _ in range(3):  # every worker keeps the page
                    urllib.request.urlopen(url).read()
                one, one_latency = _wrk(url, 1)
                eight, eight_latency = _wrk(url, 8)
                rows.append(
                    f"| {name} ({size // 1024} KiB, kept) | {one:,.0f} requests/s "
                    f"({one_latency}) | {eight:,.0f} requests/s ({eight_latency}) |"
                )
            load_after = os.getloadavg()[0]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    table = "\n".join(
        [
            f"Measured on {date.today():%-d %B %Y}, load average {load_before:.1f} before and "
            f"{load_after:.1f} after; `wrk`, {SECONDS} s each (mean latency in brackets):",
            "",
            "| page | concurrency 1 | concurrency 8 |",
            "| --- | --- | --- |",
            *rows,
        ]
    )
    print("\n" + table)
    if os.environ.get("GOLDEN_THREAD_BENCH_WRITE_DOCS", "1") != "0":
        text = DOC.read_text()
        if START in text and END in text:
            before, _, rest = text.partition(START)
            _, _, after = rest.partition(END)
            DOC.write_text(f"{before}{START}\n{table}\n{END}{after}")


def _wait_for(url: str) -> str:
    """The page's text, once the server answers (it takes a moment to start)."""
    for _ in range(300):
        try:
            return urllib.request.urlopen(url).read().decode()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer at {url}")
