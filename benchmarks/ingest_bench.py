"""Ingest benchmark: 144k real GEO sample records into DuckDB, end to end.

The source is the MetaSRA tarball of per-platform sample files (144,603 records,
144,512 distinct GSMs), unpacked to a temporary folder and ingested as a folder;
``--source geometadb`` takes the same samples from the GEOmetadb-style SQLite
subset instead. Prints samples/s for the local engine and for Dask with 2 worker
processes, and peak memory (this process and its children, i.e. the Dask workers,
by sampling RSS with psutil). Each engine writes a fresh database.

    python benchmarks/ingest_bench.py --limit 2000
    python benchmarks/ingest_bench.py                     # all 144k samples
    python benchmarks/ingest_bench.py --engines local --model models/cistrome-seq2seq
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import psutil

from geoscribe.paths import data_dir


class PeakRSS:
    """Peak resident memory of this process plus its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            self._stop.wait(0.2)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N samples")
    ap.add_argument("--model", default=None, help="model directory (default: the bundled Cistrome model)")
    ap.add_argument("--engines", default="local,dask", help="comma-separated: local, dask")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--chunk-size", type=int, default=512)
    ap.add_argument("--partition-size", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=None, help="torch threads of the local engine")
    ap.add_argument("--source", choices=("metasra", "geometadb"), default="metasra",
                    help="the MetaSRA per-platform files (default) or the GEOmetadb SQLite subset")
    args = ap.parse_args()

    import torch

    from geoscribe.pipeline import ingest

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.limit:  # enough partitions to keep both Dask workers busy
        args.partition_size = min(args.partition_size, max(1, -(-args.limit // 8)))
    samples_dir = data_dir() / "geo_samples"
    with tempfile.TemporaryDirectory(prefix="geoscribe-bench-") as tmp:
        t = time.perf_counter()
        if args.source == "metasra":
            src = samples_dir / "metasra_geo_samples_by_gpl.tar.gz"
            with tarfile.open(src) as tar:
                tar.extractall(tmp, filter="data")
            source = next(Path(tmp).rglob("gpl_files"))
            print(f"unpack {src.name}: {time.perf_counter() - t:.1f} s, {len(list(source.iterdir()))} files")
        else:
            src = samples_dir / "geometadb_gsm_subset.sqlite.gz"
            source = Path(tmp) / "geometadb_gsm_subset.sqlite"
            with gzip.open(src, "rb") as fin, open(source, "wb") as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            print(f"gunzip {src.name}: {time.perf_counter() - t:.1f} s")
        for engine in args.engines.split(","):
            out = Path(tmp) / f"{engine}.duckdb"
            with PeakRSS() as mem:
                t = time.perf_counter()
                s = ingest(source, out, schema="cistrome", model=args.model, engine=engine, n_workers=2,
                           batch_size=args.batch_size, chunk_size=args.chunk_size,
                           partition_size=args.partition_size, limit=args.limit, progress=True)  # fmt: skip
                wall = time.perf_counter() - t
            print(f"{engine}: {s.read} samples read, {s.translated} translated, "
                  f"{sum(s.skipped.values())} skipped {dict(s.skipped)}")  # fmt: skip
            print(f"{engine}: {wall:.1f} s end to end, {s.read / wall:.1f} samples/s, "
                  f"peak RSS {mem.peak / 2**20:.0f} MB (with workers), db {out.stat().st_size / 2**20:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
