"""``ingest``: translate a whole source into an ingest database, resumably.

Every write is one transaction holding a batch of rows *and* the partition's
resume point, so a run killed at any moment leaves the database at the end of
some batch; the next run starts from the stored points, and primary keys with
``INSERT OR IGNORE`` catch anything seen twice. A second run over the same
source finds every partition done and reads nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..errors import GeoscribeError, InputError
from ..io.store import Store
from ..progress import progress_bar
from ..schema import get_schema
from ..text import MAX_TEXT_CHARS
from ..translate.base import Translator
from ._source import Partition, Plan, plan_partitions, read_partition
from ._work import SKIP_DUPLICATE, Rows, build_rows, get_mapper, model_identity, translate_partition

ENGINES = ("local", "dask")


@dataclass
class IngestSummary:
    """What a run did: samples read, translated, skipped (with reasons), and time."""

    db: str
    schema: str
    model: str
    engine: str
    partitions: int = 0
    partitions_done_before: int = 0
    read: int = 0
    translated: int = 0
    skipped: Counter = field(default_factory=Counter)
    unreadable: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    samples_in_db: int = 0
    replaced: int = 0  # invalid characters replaced by U+FFFD (geoscribe.text.sanitise)
    cut: int = 0  # text fields cut at geoscribe.text.MAX_TEXT_CHARS

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        out = [
            f"{self.db}: {self.samples_in_db} samples in the database ({self.schema}, model {self.model}, {self.engine})",
            f"read {self.read}, translated {self.translated}, skipped {sum(self.skipped.values())} "
            f"in {self.seconds:.1f} s ({self.rate:.1f} samples/s)",
        ]
        if self.partitions_done_before:
            out.append(f"{self.partitions_done_before} of {self.partitions} partitions were already done (resumed)")
        out += [f"  skipped {n}: {reason}" for reason, n in self.skipped.most_common()]
        if self.replaced or self.cut:  # the text sanitiser (geoscribe.text)
            out.append(f"  replaced {self.replaced} invalid characters by U+FFFD; cut {self.cut} text fields "
                       f"over {MAX_TEXT_CHARS} characters")
        out += [f"  unreadable file {f}: {why}" for f, why in self.unreadable.items()]
        return out


def write_rows(store: Store, rows: Rows, part: Partition, *, schema: str, run_id: str,
               done: bool, hook: Callable[[str], None] | None = None) -> Rows:
    """Write one batch and the partition's resume point in one transaction."""
    existing = store.write_batch(schema, samples=rows.samples, annotations=rows.annotations, keys=rows.keys,
                                 resume=(part.id, rows.next_position, done), run_id=run_id, hook=hook)
    rows.drop(existing, SKIP_DUPLICATE)  # another partition had them
    return rows


def _resolve_model(schema: str, model: str | Path | Translator | None) -> str | Path | Translator:
    if model is None:
        from ..translate import default_model_path, get_model

        get_model(schema, None)  # raises a clear ModelError when the bundled model is absent
        return default_model_path(schema)
    return model


def ingest(
    source: str | Path,
    db: str | Path,
    *,
    schema: str = "cistrome",
    model: str | Path | Translator | None = None,
    normalise: bool = False,
    ontology: str | Path | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    n_workers: int = 2,
    batch_size: int = 64,
    chunk_size: int = 512,
    partition_size: int = 2000,
    format: str | None = None,
    recursive: bool = False,
    limit: int | None = None,
    progress: bool = False,
    hook: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Translate every sample of ``source`` into the database ``db``; resumable, idempotent.

    Parameters
    ----------
    source
        A sample file of any reader format, a folder of them, or a GEOmetadb database.
    db
        Output database (DuckDB; SQLite when it ends in .sqlite/.db); created if absent.
    schema, model
        Attribute set and model directory (default: the bundled model of the set).
    normalise, ontology
        Map values to ontology terms, with the index at ``ontology`` (default the cached one).
    engine, scheduler, n_workers
        ``"local"`` (this process) or ``"dask"``: partitions are translated on the
        workers of ``scheduler`` (an address), or of a LocalCluster of ``n_workers``
        single-threaded processes; the client writes each partition in one transaction.
    batch_size, chunk_size, partition_size
        Samples per model call, per local transaction, and per partition.
    limit
        Only the first ``limit`` samples of the source (benchmarks, trials).
    hook
        Called with an event name at fixed points (tests use it to kill a run).
    """
    schema = get_schema(schema).name
    if engine not in ENGINES:
        raise InputError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")
    if engine == "dask" and isinstance(model, Translator):
        raise InputError("The Dask engine loads the model on each worker: pass a model directory, not an object.")
    model = _resolve_model(schema, model)
    model_id = model_identity(model)
    if normalise:
        get_mapper(ontology)  # builds the cached index first if needed, before any work
    started = time.perf_counter()
    plan = plan_partitions(source, partition_size=partition_size, format=format, recursive=recursive)
    try:
        every = list(plan.partitions)
        if limit is not None:
            plan.partitions = _limit(plan.partitions, limit)
        with Store(db, read_only=False) as store:
            summary = IngestSummary(str(db), schema, model_id[0], engine, partitions=len(plan.partitions),
                                    unreadable=dict(plan.unreadable))  # fmt: skip
            run_id = store.start_run(source=str(source), schema=schema, model=model_id[0],
                                     model_version=model_id[1], engine=engine, normalise=normalise)
            todo = _pending(plan, store.progress(schema), summary)
            args = dict(schema=schema, model=model, model_id=model_id, batch_size=batch_size, run_id=run_id,
                        normalise=normalise, ontology=ontology, hook=hook)  # fmt: skip
            total = sum(len(p) - (s - p.start) for p, s in todo)
            with progress_bar(total=total, desc="ingest", unit="sample", smoothing=0.1, dynamic_ncols=True,
                              enabled=progress) as bar:
                if engine == "local":
                    _run_local(store, todo, summary, bar, chunk_size=chunk_size, **args)
                else:
                    _run_dask(store, todo, summary, bar, scheduler=scheduler, n_workers=n_workers, **args)
            _mark_files_done(store, every, schema, run_id)
            summary.seconds = time.perf_counter() - started
            summary.samples_in_db = store.count()
            store.finish_run(run_id, read=summary.read, translated=summary.translated, skipped=summary.skipped)
    finally:
        plan.cleanup()
    return summary


def _limit(parts: list[Partition], limit: int) -> list[Partition]:
    out, left = [], limit
    for p in parts:
        if left <= 0:
            break
        if len(p) > left:
            p = Partition(p.path, p.name, p.source_file, p.format, p.start, p.start + left, p.fingerprint)
        out.append(p)
        left -= len(p)
    return out


def _file_id(p: Partition) -> str:
    return f"{p.name}@{p.fingerprint}#all"


def _mark_files_done(store: Store, parts: list[Partition], schema: str, run_id: str) -> None:
    """Record files whose every partition is done, so that a later run with another
    partition size (other partition ids) still skips them."""
    done = store.progress(schema)
    files: dict[str, bool] = {}
    for p in parts:
        fid = _file_id(p)
        files[fid] = files.get(fid, True) and (done.get(p.id, (0, False))[1] or done.get(fid, (0, False))[1])
    store.set_progress(schema, run_id, [(fid, -1, True) for fid, ok in files.items() if ok and fid not in done])


def _pending(plan: Plan, done: dict[str, tuple[int, bool]], summary: IngestSummary) -> list[tuple[Partition, int]]:
    todo = []
    for p in plan.partitions:
        pos, finished = done.get(p.id, (p.start, False))
        if finished or done.get(_file_id(p), (0, False))[1]:
            summary.partitions_done_before += 1
        else:
            todo.append((p, pos))
    return todo


def _account(summary: IngestSummary, rows: Rows, bar: Any) -> None:
    summary.read += rows.read
    summary.translated += rows.translated
    summary.skipped.update(rows.skipped)
    summary.replaced, summary.cut = summary.replaced + rows.replaced, summary.cut + rows.cut
    bar.update(rows.read)


def _run_local(store: Store, todo: list[tuple[Partition, int]], summary: IngestSummary, bar: Any, *,
               schema: str, model: Any, model_id: tuple[str, str], batch_size: int, chunk_size: int,
               run_id: str, normalise: bool, ontology: Any, hook: Any) -> None:  # fmt: skip
    from ..translate import get_model

    translator = get_model(schema, model)
    mapper = get_mapper(ontology) if normalise else None
    for part, start in todo:
        stream = read_partition(part, start=start)
        while True:
            items = list(islice(stream, chunk_size))
            if not items:  # a damaged file can end early: the partition is still done
                rows = Rows(next_position=part.stop)
                write_rows(store, rows, part, schema=schema, run_id=run_id, done=True)
                break
            keys = _keys(items, part)
            rows = build_rows(items, part, schema=schema, translator=translator, model_id=model_id,
                              batch_size=batch_size, mapper=mapper, exclude=store.existing_keys(keys, schema))  # fmt: skip
            last = rows.next_position >= part.stop
            write_rows(store, rows, part, schema=schema, run_id=run_id, done=last, hook=hook)
            _account(summary, rows, bar)
            if hook is not None:
                hook("batch-committed")
            if last:
                break


def _keys(items, part: Partition) -> list[str]:
    from ._source import sample_key

    return [sample_key(s, part.name, pos) for pos, s in items]


def _run_dask(store: Store, todo: list[tuple[Partition, int]], summary: IngestSummary, bar: Any, *,
              scheduler: str | None, n_workers: int, schema: str, model: Any, model_id: tuple[str, str],
              batch_size: int, run_id: str, normalise: bool, ontology: Any, hook: Any) -> None:  # fmt: skip
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise GeoscribeError(f"The Dask engine needs dask[distributed] ({exc}); pip install 'dask[distributed]'.") from None
    if not todo:
        return
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)  # fmt: skip
            client = Client(cluster)
    except OSError as exc:
        raise GeoscribeError(f"Cannot reach the Dask scheduler {scheduler!r} ({exc}); check the address.") from None
    try:
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})) or 2 * n_workers)
        kwargs = dict(schema=schema, model=str(model), batch_size=batch_size, normalise=normalise,
                      ontology=None if ontology is None else str(ontology))  # fmt: skip
        # Partitions are written in source order (results that finish early wait, at most
        # ``window`` partitions in flight or waiting): the database then holds exactly what
        # the local engine writes, including which copy of a duplicated GSM wins.
        queue = iter(enumerate(todo))
        futures: dict[int, Any] = {}
        nxt_write = 0

        def submit() -> None:
            item = next(queue, None)
            if item is not None:
                i, (part, start) = item
                futures[i] = client.submit(translate_partition, part, start=start, pure=False, **kwargs)

        for _ in range(window):
            submit()
        while nxt_write < len(todo):
            fut = futures.pop(nxt_write)
            rows = fut.result()
            fut.release()
            write_rows(store, rows, todo[nxt_write][0], schema=schema, run_id=run_id, done=True, hook=hook)
            _account(summary, rows, bar)
            if hook is not None:
                hook("batch-committed")
            nxt_write += 1
            submit()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
