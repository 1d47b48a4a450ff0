#!/usr/bin/env python3
"""A bounded load test: the bench's query mix against a running site, optionally while an ingest runs.

    devtools/loadtest.py --url http://127.0.0.1:8971 --clients 4 --seconds 120 --requests 20000 \
        [--ingest DOCS_FOLDER --data-dir DATA_FOLDER]

Loopback only, and it stops by itself: after --seconds or --requests, whichever comes
first (an ingest it started is then waited for, at most --ingest-timeout seconds, and
stopped past that). Each client thread replays the mix (bench.QUERY_MIX) as the search
page (/search/?q=...) and as the API (/api/search?q=...). An error is a connection
failure, a timeout or any status but 200. With --uncached every URL is unique (a far
``date_to``), so the site's result cache never answers. Prints one JSON object: requests, errors,
p50/p95/max latency overall, per query, and for the requests made while the ingest ran and after.

Standard library only; the query mix is imported from devtools/bench.py (no Django needed).
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.bench import QUERY_MIX

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Sample:
    started: float  # seconds since the load began
    ms: float
    status: int  # 0: connection error or timeout
    name: str


def request_paths() -> list[tuple[str, str]]:
    """(name, path) for every query of the mix, as the page and as the API."""
    paths = []
    for query in QUERY_MIX:
        params = [("q", query.q)] if query.q else []
        if not query.q:
            params.append(("sort", "newest"))
        params += [(facet, value) for facet, values in query.filters.items() for value in values]
        query_string = urlencode(params)
        paths.append((f"{query.name}/page", f"/search/?{query_string}"))
        paths.append((f"{query.name}/api", f"/api/search?{query_string}"))
    return paths


def fetch(host: str, port: int, path: str, timeout: float) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}", "Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] if ordered else 0.0


def stats(samples: list[Sample]) -> dict:
    latencies = [s.ms for s in samples]
    return {
        "requests": len(samples),
        "errors": sum(s.status != 200 for s in samples),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
    }


def start_ingest(docs: Path, data: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(IMR_DATA_DIR=str(data.resolve()), DJANGO_SETTINGS_MODULE="imrsite.settings")
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "ingest", str(docs)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(*, url: str, clients: int, seconds: float, max_requests: int, timeout: float,
        ingest: Path | None, data: Path | None, ingest_timeout: float, uncached: bool = False) -> dict:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        raise SystemExit(f"refusing {url!r}: this load test only runs against http:// on loopback")
    host, port = parts.hostname, parts.port or 80
    paths = request_paths()
    samples: list[Sample] = []
    lock = threading.Lock()
    issued = itertools.count()
    unique = itertools.count()
    began = time.monotonic()
    deadline = began + seconds

    def client(offset: int) -> None:
        for turn in itertools.count(offset):
            if time.monotonic() >= deadline or next(issued) >= max_requests:
                return
            name, path = paths[turn % len(paths)]
            if uncached:  # a date_to past every decision: the same work, a key the result cache has not seen
                path += f"&date_to={date(2100, 1, 1) + timedelta(days=next(unique))}"
            started = time.monotonic()
            status = fetch(host, port, path, timeout)
            sample = Sample(started - began, (time.monotonic() - started) * 1000, status, name)
            with lock:
                samples.append(sample)

    process = start_ingest(ingest, data) if ingest else None
    threads = [threading.Thread(target=client, args=(n * 3,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    ingest_ended: float | None = None
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.1)
        if process is not None and ingest_ended is None and process.poll() is not None:
            ingest_ended = time.monotonic() - began
    elapsed = time.monotonic() - began

    report: dict = {"url": url, "clients": clients, "uncached": uncached, "seconds": round(elapsed, 1),
                    "requests_per_s": round(len(samples) / elapsed, 1), **stats(samples)}
    report["error_statuses"] = {str(s): n for s in sorted({x.status for x in samples if x.status != 200})
                                for n in [sum(x.status == s for x in samples)]}
    report["by_query"] = {name: stats([s for s in samples if s.name == name]) for name, _ in paths}
    if process is not None:
        try:
            out, err = process.communicate(timeout=ingest_timeout)
        except subprocess.TimeoutExpired:
            process.terminate()  # our own child; a stopped ingest is mended by the next one
            out, err = process.communicate()
        if ingest_ended is None:
            ingest_ended = time.monotonic() - began
        during = [s for s in samples if s.started < ingest_ended]
        report["during_ingest"] = stats(during)
        report["after_ingest"] = stats([s for s in samples if s.started >= ingest_ended])
        report["ingest"] = {"folder": str(ingest), "seconds": round(ingest_ended, 1), "returncode": process.returncode,
                            "finished_during_load": ingest_ended <= elapsed, "said": (out or err).strip()[-300:]}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8971", help="the site, on loopback")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=60, help="stop after this long")
    parser.add_argument("--requests", type=int, default=5000, help="stop after this many requests")
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--ingest", type=Path, help="a folder of documents to ingest while the load runs")
    parser.add_argument("--data-dir", type=Path, help="the site's IMR_DATA_DIR (with --ingest)")
    parser.add_argument("--ingest-timeout", type=float, default=600, help="how long to wait for the ingest after")
    parser.add_argument("--uncached", action="store_true",
                        help="make every request's URL unique (a far date_to) so the site's result cache never answers")
    args = parser.parse_args()
    if args.ingest and not args.data_dir:
        parser.error("--ingest needs --data-dir, the data folder the site serves")
    report = run(url=args.url, clients=args.clients, seconds=args.seconds, max_requests=args.requests,
                 timeout=args.timeout, ingest=args.ingest, data=args.data_dir, ingest_timeout=args.ingest_timeout,
                 uncached=args.uncached)
    print(json.dumps(report, indent=2))
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
