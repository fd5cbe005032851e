"""The structured output database of ``geoscribe ingest`` and its read API.

One file holds every translated sample, traceable to its source:

* ``samples``: one row per input sample (``sample_key`` is the GSM id, or a
  stable hash of source file and position when the GSM is empty), its text
  fields, the model input line, ``source_file``, ``position`` and ``read_at``;
* ``annotations``: one row per (sample, attribute set, attribute) with value,
  confidence, ontology CURIE and label, the value's ``source`` (stated, copied,
  known, model) and ``evidence`` (JSON: the span of ``input`` it was read from...),
  model name and version, ``translated_at``;
* ``ingest_runs`` (run log) and ``ingest_progress`` (resume points);
* views after the Genomic Conceptual Model: ``biosample``, ``donor``,
  ``experiment_type``, ``dataset`` (attributes pivoted per sample and set).

DuckDB is the default; a path ending in ``.sqlite``/``.sqlite3``/``.db`` is
SQLite. DuckDB allows one writing process at a time (readers in other processes
must wait for the writer to close), SQLite allows readers beside one writer.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import GeoscribeError
from ..schema import get_schema
from ..text import FIELDS

SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")

#: the Sample fields kept per sample (every field but the pre-formatted ``text``,
#: stored as ``input``); a field added to Sample gets a column here too
SAMPLE_FIELDS = tuple(f for f in FIELDS if f != "text")
SAMPLE_COLUMNS = ("sample_key", *SAMPLE_FIELDS, "input", "source_file", "position", "read_at")
ANNOTATION_COLUMNS = (
    "sample_key", "schema", "attribute", "value", "confidence", "curie", "term_label",
    "source", "evidence", "model", "model_version", "translated_at",
)  # fmt: skip
#: annotation columns added after the first release: an older database gets them (NULL) when
#: opened for writing, and reads them as NULL (no source, no evidence) when opened read-only
LATER_ANNOTATION_COLUMNS = ("source", "evidence")
RUN_COLUMNS = (
    "run_id", "source", "schema", "model", "model_version", "engine", "normalise",
    "started_at", "finished_at", "status", "n_read", "n_translated", "n_skipped", "skipped",
)  # fmt: skip
PROGRESS_COLUMNS = ("partition_id", "schema", "next_position", "done", "run_id", "updated_at")

_TABLES = {
    "samples": "sample_key VARCHAR PRIMARY KEY, "
    + ", ".join(f"{c} VARCHAR" for c in SAMPLE_FIELDS)
    + ", input VARCHAR, source_file VARCHAR, position BIGINT, read_at VARCHAR",
    "annotations": """
        sample_key VARCHAR NOT NULL, schema VARCHAR NOT NULL, attribute VARCHAR NOT NULL,
        value VARCHAR, confidence DOUBLE, curie VARCHAR, term_label VARCHAR, source VARCHAR,
        evidence VARCHAR, model VARCHAR, model_version VARCHAR, translated_at VARCHAR,
        PRIMARY KEY (sample_key, schema, attribute)""",
    "ingest_runs": """
        run_id VARCHAR PRIMARY KEY, source VARCHAR, schema VARCHAR, model VARCHAR,
        model_version VARCHAR, engine VARCHAR, normalise BOOLEAN, started_at VARCHAR,
        finished_at VARCHAR, status VARCHAR, n_read BIGINT, n_translated BIGINT,
        n_skipped BIGINT, skipped VARCHAR""",
    "ingest_progress": """
        partition_id VARCHAR NOT NULL, schema VARCHAR NOT NULL, next_position BIGINT,
        done BOOLEAN, run_id VARCHAR, updated_at VARCHAR, PRIMARY KEY (partition_id, schema)""",
}

# GCM view -> (attribute -> column); attributes of both sets, pivoted per sample and set.
GCM_VIEWS: dict[str, dict[str, str]] = {
    "biosample": {
        "Cell Line": "cell_line", "Cell Type": "cell_type", "Tissue Type": "tissue",
        "Biosample term name": "biosample_term_name", "Classification": "biosample_type",
        "Health status": "disease",
    },
    "donor": {
        "Organism": "species", "Life stage": "life_stage", "Age": "age", "Age units": "age_units",
        "Sex": "gender", "Ethnicity": "ethnicity",
    },
    "experiment_type": {
        "Assay name": "technique", "Assay type": "feature", "Factor": "target",
        "Target of assay": "target", "Investigated as": "target_type",
    },
    "dataset": {"Genome assembly": "assembly", "Project": "project"},
}  # fmt: skip


class StoreError(GeoscribeError):
    """An ingest database is missing, locked, corrupt or asked for something it lacks."""


class DatabaseUnusableError(StoreError):
    """The database file is damaged, locked by a writer, or on a full disk (not the request's fault)."""


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def encode_evidence(evidence: dict | None) -> str | None:
    """A value's evidence as the JSON stored in ``annotations.evidence`` (None: no evidence)."""
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True) if evidence else None


def decode_evidence(text: str | None) -> dict | None:
    """The stored evidence back as a dict; a cell that is not a JSON object reads as no evidence."""
    if not text:
        return None
    try:
        out = json.loads(text)
    except ValueError:
        return None
    return out if isinstance(out, dict) else None


def is_sqlite_path(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SQLITE_SUFFIXES


def _view_sql(name: str, columns: dict[str, str]) -> str:
    by_column: dict[str, list[str]] = {}
    for attr, col in columns.items():
        by_column.setdefault(col, []).append(attr)
    select = ", ".join(
        "max(CASE WHEN attribute IN ({}) THEN value END) AS {}".format(
            ", ".join("'" + a.replace("'", "''") + "'" for a in attrs), col
        )
        for col, attrs in by_column.items()
    )
    where = ", ".join("'" + a.replace("'", "''") + "'" for a in columns)
    return (
        f"CREATE VIEW IF NOT EXISTS {name} AS SELECT sample_key, schema, {select} "
        f"FROM annotations WHERE attribute IN ({where}) GROUP BY sample_key, schema"
    )


# DuckDB and SQLite messages, lower-cased, that say what went wrong (a corrupt block's
# message mentions "block", so "lock" alone does not mean another writer)
_LOCKED = ("could not set lock", "conflicting lock", "database is locked")
_CORRUPT = ("corrupt", "not a valid duckdb database", "could not read enough bytes", "checksum",
            "malformed", "file is not a database", "serialization error", "failed to read")
_DISK_FULL = ("no space left", "disk is full", "disk full")


def _database_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    import duckdb

    return (duckdb.Error, sqlite3.Error)


def database_problem(path: Path, exc: BaseException) -> DatabaseUnusableError | None:
    """A DuckDB/SQLite error as a one-line :class:`StoreError` when it means the file is
    locked, damaged or on a full disk; None for anything else (a bug to show as is)."""
    msg = (str(exc).splitlines() or [type(exc).__name__])[0]
    low = msg.lower()
    if any(m in low for m in _DISK_FULL):
        return DatabaseUnusableError(f"cannot write {path}: no space left on device ({msg}); free some space "
                                     "and run again (completed batches are kept, the run resumes)")
    if any(m in low for m in _CORRUPT):
        return DatabaseUnusableError(f"{path} is damaged, a corrupt database file ({msg}); restore it from "
                                     "a copy, or ingest again into a new file")
    if any(m in low for m in _LOCKED):
        return DatabaseUnusableError(f"{path}: another process is writing it; wait for it to finish ({msg})")
    return None


def _connect(path: Path, read_only: bool) -> tuple[Any, str]:
    if is_sqlite_path(path):
        import sqlite3

        try:
            uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
            con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
            con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            if not read_only:
                con.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise database_problem(path, exc) or StoreError(
                f"{path}: cannot open as an SQLite ingest database ({exc}).") from None
        return con, "sqlite"
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only), "duckdb"
    except duckdb.Error as exc:
        msg = str(exc).splitlines()[0]
        raise database_problem(path, exc) or StoreError(
            f"{path}: cannot open as a DuckDB ingest database: {msg}") from None


class Store:
    """An ingest database (DuckDB by default, SQLite if the path ends in .sqlite/.db).

    Parameters
    ----------
    path
        The database file; with ``read_only=False`` it is created with its tables.
    read_only
        Open for reading only (the query CLI and the service).
    verify
        Read every stored value once before use (:meth:`verify`), so that a damaged
        file is refused at once; default for a database opened to write into (an
        ingest appends only to a sound file). Without it, damage shows as a
        :class:`StoreError` when a query reaches the damaged part.
    ontology
        Path of an ontology index (or an ``OntologyIndex``) for descendant term
        search; default the cached index, when it has been built.
    """

    def __init__(self, path: str | Path, *, read_only: bool = True, verify: bool | None = None,
                 ontology: Any = None) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.is_file():
            raise StoreError(f"{self.path}: no such ingest database; create it with 'geoscribe ingest'.")
        existed = self.path.is_file() and self.path.stat().st_size > 0
        self.con, self.backend = _connect(self.path, read_only)
        self._ontology = ontology
        self._annotation_columns: set[str] | None = None
        try:
            if verify or (verify is None and not read_only and existed):
                self.verify()
            if read_only:
                missing = {"samples", "annotations"} - set(self.tables())
                if missing:
                    raise StoreError(
                        f"{self.path}: not a geoscribe ingest database (no {', '.join(sorted(missing))} table)."
                    )
            else:
                self._guarded(self.create_tables)
        except BaseException:
            self.close()
            raise

    # -- plumbing -------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._guarded(lambda: self.con.execute(sql, list(params)).fetchall())

    def _guarded(self, work: Callable[[], Any]) -> Any:
        """``work()``, with a locked, damaged or full database as a :class:`StoreError`."""
        try:
            return work()
        except _database_errors() as exc:
            raise database_problem(self.path, exc) or exc from None

    def verify(self) -> None:
        """Read every value of every table once: :class:`StoreError` if the file is damaged.

        DuckDB checks a block's checksum only when it reads the block, so a damaged file
        opens and counts its rows fine; SQLite runs ``PRAGMA quick_check``.
        """
        if self.backend == "sqlite":
            problems = [r[0] for r in self.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise DatabaseUnusableError(f"{self.path} is damaged, a corrupt database file ({problems[0]}); "
                                            "restore it from a copy, or ingest again into a new file")
            return
        tables = [r[0] for r in self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
        )]  # fmt: skip
        for table in tables:
            self.execute(f'SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM "{table}"')

    def tables(self) -> list[str]:
        if self.backend == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        else:
            sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        return [r[0] for r in self.execute(sql)]

    def create_tables(self) -> None:
        for name, body in _TABLES.items():
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({body})")
        self._add_missing_columns()
        for name, columns in GCM_VIEWS.items():
            self.con.execute(_view_sql(name, columns))

    def columns(self, table: str) -> list[str]:
        if self.backend == "sqlite":
            return [r[1] for r in self.execute(f"PRAGMA table_info({table})")]
        return [r[0] for r in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        )]  # fmt: skip

    def _add_missing_columns(self) -> None:
        """A database written before a Sample field (or an annotation column) existed gets
        that column, empty for the rows already there."""
        for table, wanted in (("samples", SAMPLE_FIELDS), ("annotations", LATER_ANNOTATION_COLUMNS)):
            have = set(self.columns(table))
            for column in wanted:
                if column not in have:
                    self.con.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR")

    def _annotation_column(self, column: str) -> str:
        """``column`` of the annotations, or ``NULL`` when an older database (read-only) lacks it."""
        if self._annotation_columns is None:
            self._annotation_columns = set(self.columns("annotations"))
        return column if column in self._annotation_columns else "NULL"

    def transaction(self, work: Callable[[], Any]) -> Any:
        """Run ``work()`` in one transaction: all of its writes land, or none."""
        self._guarded(lambda: self.con.execute("BEGIN TRANSACTION" if self.backend == "duckdb" else "BEGIN IMMEDIATE"))
        try:
            out = self._guarded(work)
        except BaseException:
            try:
                self.con.execute("ROLLBACK")
            except _database_errors():
                pass  # the failed statement already ended the transaction
            raise
        self._guarded(lambda: self.con.execute("COMMIT"))
        return out

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, replace: bool = False) -> None:
        """Insert rows, ignoring (or replacing) those whose primary key exists."""
        if not rows:
            return
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        cols = ", ".join(columns)
        if self.backend == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.con.executemany(f"{verb} INTO {table} ({cols}) VALUES ({marks})", rows)
            return
        # DuckDB's executemany runs one statement per row; columns as lists are ~500x faster.
        data = [list(c) for c in zip(*rows)]
        select = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
        self.con.execute(f"{verb} INTO {table} ({cols}) SELECT {select}", data)

    def existing_keys(self, keys: Sequence[str], schema: str) -> set[str]:
        """Those of ``keys`` that already have annotations in ``schema``."""
        found: set[str] = set()
        for i in range(0, len(keys), 900):
            chunk = list(keys[i : i + 900])
            marks = ", ".join("?" * len(chunk))
            found.update(r[0] for r in self.execute(
                f"SELECT DISTINCT sample_key FROM annotations WHERE schema = ? AND sample_key IN ({marks})",
                [schema, *chunk],
            ))  # fmt: skip
        return found

    # -- ingest writes ------------------------------------------------------------
    def start_run(self, *, source: str, schema: str, model: str, model_version: str, engine: str,
                  normalise: bool) -> str:
        """Log a new ingest run as running; returns its id."""
        run_id = uuid.uuid4().hex[:12]
        row = (run_id, source, schema, model, model_version, engine, normalise, utc_now(), None, "running", 0, 0, 0, "{}")
        self.transaction(lambda: self.insert("ingest_runs", RUN_COLUMNS, [row]))
        return run_id

    def finish_run(self, run_id: str, *, read: int, translated: int, skipped: dict[str, int]) -> None:
        """Mark a run finished with its counts and skip reasons."""
        self.transaction(lambda: self.execute(
            "UPDATE ingest_runs SET finished_at = ?, status = ?, n_read = ?, n_translated = ?, n_skipped = ?, "
            "skipped = ? WHERE run_id = ?",
            [utc_now(), "finished", read, translated, sum(skipped.values()), json.dumps(dict(skipped)), run_id],
        ))  # fmt: skip

    def progress(self, schema: str) -> dict[str, tuple[int, bool]]:
        """Resume points of ``schema``: partition id -> (next position, done)."""
        rows = self.execute("SELECT partition_id, next_position, done FROM ingest_progress WHERE schema = ?", [schema])
        return {pid: (int(pos), bool(done)) for pid, pos, done in rows}

    def set_progress(self, schema: str, run_id: str, points: Sequence[tuple[str, int, bool]]) -> None:
        """Store resume points ``(partition id, next position, done)`` in one transaction."""
        rows = [(pid, schema, pos, done, run_id, utc_now()) for pid, pos, done in points]
        self.transaction(lambda: self.insert("ingest_progress", PROGRESS_COLUMNS, rows, replace=True))

    def write_batch(self, schema: str, *, samples: Sequence[Sequence[Any]], annotations: Sequence[Sequence[Any]],
                    keys: Sequence[str], resume: tuple[str, int, bool], run_id: str,
                    hook: Callable[[str], None] | None = None) -> set[str]:
        """Write one batch and its partition's resume point in one transaction.

        ``keys`` are the samples ``annotations`` annotate; those already annotated in
        ``schema`` (another partition had them) are left out and returned.
        """

        def work() -> set[str]:
            existing = self.existing_keys(keys, schema)
            self.insert("samples", SAMPLE_COLUMNS, samples)
            if hook is not None:
                hook("samples-written")  # test hook: a kill here must leave no trace
            self.insert("annotations", ANNOTATION_COLUMNS, [a for a in annotations if a[0] not in existing])
            pid, position, done = resume
            self.insert("ingest_progress", PROGRESS_COLUMNS, [(pid, schema, position, done, run_id, utc_now())],
                        replace=True)  # fmt: skip
            return existing

        return self.transaction(work)

    # -- read API ---------------------------------------------------------------
    def schemas(self) -> list[str]:
        """The attribute sets present."""
        return [r[0] for r in self.execute("SELECT DISTINCT schema FROM annotations ORDER BY schema")]

    def count(self) -> int:
        """Distinct samples."""
        return int(self.execute("SELECT count(*) FROM samples")[0][0])

    def _schema(self, schema: str) -> Any:
        try:
            s = get_schema(schema)
        except GeoscribeError as exc:
            raise StoreError(str(exc)) from None
        if s.name not in self.schemas():
            present = ", ".join(self.schemas()) or "none"
            raise StoreError(f"{self.path}: no {s.name} annotations (attribute sets present: {present}).")
        return s

    @staticmethod
    def _attribute(schema: Any, attribute: str) -> str:
        for a in schema.attributes:
            if a.lower() == attribute.strip().lower():
                return a
        raise StoreError(
            f"Unknown attribute {attribute!r} of the {schema.name} set; choose from {', '.join(schema.attributes)}."
        )

    def _match_sql(self, schema: Any, filters: dict[str, str] | None, text: str | None,
                   term: str | None, include_descendants: bool) -> tuple[str, list[Any]]:
        """SQL selecting the keys of matching samples, and its parameters."""
        parts = ["SELECT DISTINCT sample_key FROM annotations WHERE schema = ?"]
        params: list[Any] = [schema.name]
        for attr, value in (filters or {}).items():
            parts.append("SELECT sample_key FROM annotations WHERE schema = ? AND attribute = ? AND lower(value) = lower(?)")
            params += [schema.name, self._attribute(schema, attr), str(value).strip()]
        if text:
            like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            parts.append(
                "SELECT sample_key FROM samples WHERE lower(input) LIKE ? ESCAPE '\\' OR lower(title) LIKE ? ESCAPE '\\'"
            )
            params += [like, like]
        if term:
            curies = self._curies_under(schema.name, term.strip(), include_descendants)
            marks = ", ".join("?" * len(curies)) or "NULL"
            parts.append(f"SELECT sample_key FROM annotations WHERE schema = ? AND curie IN ({marks})")
            params += [schema.name, *curies]
        return " INTERSECT ".join(parts), params

    def _index(self) -> Any:
        if self._ontology is None or isinstance(self._ontology, (str, Path)):
            from ..ontology import OntologyIndex, default_index_path

            path = Path(self._ontology) if self._ontology is not None else default_index_path()
            if not path.is_file():
                return None
            self._ontology = OntologyIndex(path)
        return self._ontology

    def _curies_under(self, schema: str, term: str, include_descendants: bool) -> list[str]:
        """Stored CURIE strings (possibly ``A,B`` for several values) with a part that is
        ``term`` or, when asked and an ontology index is at hand, lies below it."""
        stored = [r[0] for r in self.execute(
            "SELECT DISTINCT curie FROM annotations WHERE schema = ? AND curie IS NOT NULL AND curie != ''", [schema]
        )]  # fmt: skip
        index = self._index() if include_descendants else None
        out = []
        for curie in stored:
            parts = [p.strip() for p in curie.split(",")]
            if term in parts or (index is not None and any(index.is_a(p, term) for p in parts)):
                out.append(curie)
        return out

    def facets(self, schema: str, *, attributes: list[str] | None = None,
               filters: dict[str, str] | None = None, limit: int = 50) -> dict[str, list[tuple[str, int]]]:
        """Value counts per attribute over the samples matching ``filters``, most frequent first."""
        s = self._schema(schema)
        attrs = [self._attribute(s, a) for a in attributes] if attributes else list(s.attributes)
        match, params = self._match_sql(s, filters, None, None, False)
        out: dict[str, list[tuple[str, int]]] = {}
        for attr in attrs:
            rows = self.execute(
                f"SELECT value, count(*) AS n FROM annotations WHERE schema = ? AND attribute = ? "
                f"AND sample_key IN ({match}) GROUP BY value ORDER BY n DESC, value LIMIT ?",
                [s.name, attr, *params, int(limit)],
            )
            out[attr] = [(v, int(n)) for v, n in rows]
        return out

    def search(self, schema: str, *, filters: dict[str, str] | None = None, text: str | None = None,
               term: str | None = None, include_descendants: bool = True, offset: int = 0,
               limit: int = 50) -> tuple[int, list[dict]]:
        """The number of matching samples and one page of them (ordered by key), each
        ``{gsm, title, series, platform, source_file, input, values, confidence, terms, source,
        evidence}``; ``source`` and ``evidence`` hold only the attributes that have one (an
        older database, or a value without a source, has none)."""
        s = self._schema(schema)
        match, params = self._match_sql(s, filters, text, term, include_descendants)
        total = int(self.execute(f"SELECT count(*) FROM ({match}) AS m", params)[0][0])
        rows = self.execute(
            "SELECT sample_key, gsm, title, series, platform, source_file, input FROM samples "
            f"WHERE sample_key IN ({match}) ORDER BY sample_key LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)],
        )
        page = {r[0]: {"sample_key": r[0], "gsm": r[1], "title": r[2], "series": r[3], "platform": r[4],
                       "source_file": r[5], "input": r[6], "values": {}, "confidence": {}, "terms": {},
                       "source": {}, "evidence": {}}
                for r in rows}  # fmt: skip
        if page:
            marks = ", ".join("?" * len(page))
            source, evidence = self._annotation_column("source"), self._annotation_column("evidence")
            for key, attr, value, conf, curie, label, src, ev in self.execute(
                f"SELECT sample_key, attribute, value, confidence, curie, term_label, {source}, {evidence} "
                f"FROM annotations WHERE schema = ? AND sample_key IN ({marks})",
                [s.name, *page],
            ):
                row = page[key]
                row["values"][attr] = value
                row["confidence"][attr] = conf
                if curie:
                    row["terms"][attr] = {"curie": curie, "label": label}
                if src:
                    row["source"][attr] = src
                ev = decode_evidence(ev)
                if ev:
                    row["evidence"][attr] = ev
            order = {a: i for i, a in enumerate(s.attributes)}
            for row in page.values():
                for field in ("values", "confidence", "source", "evidence"):
                    row[field] = dict(sorted(row[field].items(), key=lambda kv: order.get(kv[0], 99)))
        return total, list(page.values())

    def runs(self) -> list[dict]:
        """The ingest run log, newest first."""
        rows = self.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM ingest_runs ORDER BY started_at DESC")
        return [dict(zip(RUN_COLUMNS, r)) for r in rows]
