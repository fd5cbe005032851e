"""Load test of ``geoscribe serve``: concurrent POST /translate batches from this process
against a server in another process on loopback, for a bounded time, while a probe
checks that /health keeps answering.

    python benchmarks/serve_load.py --seconds 60                # starts its own server
    python benchmarks/serve_load.py --url http://127.0.0.1:8000  # an already running one

Prints requests/s, texts/s and p50/p99 latency of /translate, and the /health
probes' latency and failures; exits 1 if a probe failed or nothing succeeded.
Without --model and without a bundled model it trains a tiny throwaway model
(the figures then say little about the real one: the output says so).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def load_texts(n: int = 2000) -> list[str]:
    """Inputs of the shared Cistrome pairs when present, else the test fixture's texts."""
    path = Path(os.environ.get("GEOSCRIBE_DATA", ROOT.parent / "shared" / "data")) / "cistrome" / "pairs.csv"
    if path.is_file():
        with path.open(newline="", encoding="utf-8") as f:
            texts = [row["input"] for _, row in zip(range(n), csv.DictReader(f))]
        if texts:
            return texts
    sys.path.insert(0, str(ROOT / "tests"))
    from serve_support import pairs

    return pairs()[0]


def model_dir(arg: str | None, tmp: Path) -> tuple[Path, str]:
    if arg:
        return Path(arg), "given"
    from geoscribe.translate import default_model_path

    bundled = default_model_path("cistrome")
    if bundled.is_dir():
        return bundled, "bundled"
    print("note: no bundled cistrome model; training a tiny throwaway model (figures are not the real model's)")
    sys.path.insert(0, str(ROOT / "tests"))
    from serve_support import tiny_translator

    return tiny_translator().save(tmp / "tiny-model"), "tiny"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: Path, db: str | None, threads: int, log: Path, queue: int = 4) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    cmd = [sys.executable, "-c", "from geoscribe.cli import app; app()", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--model", f"cistrome={model}", "--no-ontology", "--translate-queue", str(queue)]
    if db:
        cmd += ["--db", db]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    sys.exit("server did not answer /health within 180 s")


def run_load(url: str, texts: list[str], *, seconds: float, concurrency: int, batch: int) -> dict:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors: dict[str, int] = {}
    health: list[float] = []
    health_failures: list[str] = []
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < stop:
                body = {"texts": rng.sample(texts, min(batch, len(texts))), "schema": "cistrome"}
                t0 = time.perf_counter()
                try:
                    resp = client.post("/translate", json=body)
                    key = None if resp.status_code == 200 else f"HTTP {resp.status_code}"
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                dt = time.perf_counter() - t0
                with lock:
                    if key is None:
                        latencies.append(dt)
                    else:
                        errors[key] = errors.get(key, 0) + 1

    def prober() -> None:
        with httpx.Client(base_url=url, timeout=2.0) as client:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    ok = client.get("/health").status_code == 200
                    if not ok:
                        health_failures.append("status")
                except httpx.HTTPError as exc:
                    health_failures.append(type(exc).__name__)
                else:
                    health.append(time.perf_counter() - t0)
                time.sleep(0.5)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    threads.append(threading.Thread(target=prober))
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    return {"wall": wall, "latencies": latencies, "errors": errors, "health": health,
            "health_failures": health_failures}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="duration of the load (default 60)")
    ap.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    ap.add_argument("--batch", type=int, default=16, help="texts per request (default 16)")
    ap.add_argument("--url", help="an already running server; default: start one")
    ap.add_argument("--model", help="model directory for the started server (default: bundled cistrome)")
    ap.add_argument("--db", help="ingest database for the started server (optional)")
    ap.add_argument("--server-threads", type=int, default=1, help="torch threads of the started server")
    args = ap.parse_args()

    texts = load_texts()
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        url, which = args.url, "external"
        if url is None:
            model, which = model_dir(args.model, Path(tmp))
            # a queue as deep as the clients: the benchmark measures queueing, not 503s
            proc, url = start_server(model, args.db, args.server_threads, Path(tmp) / "server.log",
                                     queue=max(args.concurrency, 4))
        try:
            httpx.post(url + "/translate", json={"texts": texts[:2]}, timeout=120).raise_for_status()  # warm-up
            r = run_load(url, texts, seconds=args.seconds, concurrency=args.concurrency, batch=args.batch)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=15)

    lat, ok = r["latencies"], len(r["latencies"])
    ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
    print(f"server: {url} (model: {which}); {args.concurrency} clients x {args.batch} texts/request, "
          f"{r['wall']:.1f} s, {os.cpu_count()} CPUs shared")
    print(f"POST /translate: {ok} ok, errors {r['errors'] or 0}; {ok / r['wall']:.2f} requests/s, "
          f"{ok * args.batch / r['wall']:.1f} texts/s")
    print(f"  latency p50 {ms(percentile(lat, 50))}, p90 {ms(percentile(lat, 90))}, "
          f"p99 {ms(percentile(lat, 99))}, max {ms(max(lat, default=float('nan')))}")
    h = r["health"]
    print(f"GET /health under load: {len(h)} ok, {len(r['health_failures'])} failed; "
          f"p50 {ms(percentile(h, 50))}, p99 {ms(percentile(h, 99))}, max {ms(max(h, default=float('nan')))}")
    return 0 if ok and not r["health_failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
