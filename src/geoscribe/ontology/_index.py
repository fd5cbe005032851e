"""A compact local index of ontology terms: one SQLite file, built once, cached.

The index holds, per term, its label, synonyms and direct parents (ancestors
are the transitive closure, computed on demand), with every name stored under
the key of :func:`~geoscribe.ontology._normalise.matching_key` so lookups are
one indexed query. It lives in ``$GEOSCRIBE_CACHE/ontology/<package version>-<format>/``
(default ``~/.cache/geoscribe``) and is rebuilt when the package version changes.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

from ..io.atomic import atomic_path
from ._normalise import fold, matching_key
from ._source import (
    ONTOLOGIES,
    UNIPROT_SPECIES,
    OntologyDataError,
    iter_terms,
    package_sources,
    package_version,
    source_version,
)

FORMAT = 1  # bump when the table layout or the key rules change
LABEL, SYNONYM, ENTRY = 0, 1, 2  # kinds of name; ENTRY = UniProt entry name minus species
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE terms (curie TEXT PRIMARY KEY, ontology TEXT, label TEXT, deprecated INT, replaced_by TEXT);
CREATE TABLE names (key TEXT, curie TEXT, ontology TEXT, text TEXT, kind INT);
CREATE TABLE parents (curie TEXT, parent TEXT);
"""
_INDEXES = """
CREATE INDEX names_key ON names (key, ontology);
CREATE INDEX names_ontology ON names (ontology);
CREATE INDEX parents_curie ON parents (curie);
"""


def cache_dir() -> Path:
    """``$GEOSCRIBE_CACHE``, else ``$XDG_CACHE_HOME/geoscribe``, else ``~/.cache/geoscribe``."""
    if os.environ.get("GEOSCRIBE_CACHE"):
        return Path(os.environ["GEOSCRIBE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "geoscribe"


def default_index_path() -> Path:
    return cache_dir() / "ontology" / f"{package_version()}-{FORMAT}" / "index.sqlite"


def _names(curie: str, ontology: str, term: dict):
    label = term.get("label") or ""
    if ontology == "UniProt":
        entry, _, species = label.partition("_")
        yield entry, ENTRY
    yield label, LABEL
    for syn in term.get("synonyms") or ():
        yield syn, SYNONYM


def build_index(
    path: str | Path | None = None,
    *,
    sources: dict[str, str | Path] | None = None,
    progress: bool = False,
) -> Path:
    """Build the SQLite index from term files; returns its path.

    Parameters
    ----------
    path
        Where to write; default :func:`default_index_path`. Written to a temporary
        file first, so an interrupted build leaves no half index behind.
    sources
        Ontology name -> term file (``.json`` or ``.json.zst``); default the files
        of the installed ``cellxgene-ontology-guide`` (see :func:`package_sources`).
    progress
        Log one line per ontology.
    """
    path = Path(path) if path is not None else default_index_path()
    sources = {k: Path(v) for k, v in (sources or package_sources()).items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            for ontology, src in sources.items():
                t0 = time.perf_counter()
                n = _load_ontology(con, ontology, src)
                if progress:
                    log.warning("indexed %s: %d terms (%.1f s)", ontology, n, time.perf_counter() - t0)
            con.executescript(_INDEXES)
            meta = {
                "format": str(FORMAT),
                "package": _package_version_or_none(),
                "versions": json.dumps({k: source_version(v) for k, v in sources.items()}),
                "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "build_seconds": f"{time.perf_counter() - start:.1f}",
            }
            con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            con.commit()
        finally:
            con.close()
    return path


def _package_version_or_none() -> str:
    try:
        return package_version()
    except OntologyDataError:
        return ""


def _load_ontology(con: sqlite3.Connection, ontology: str, src: Path) -> int:
    terms, names, parents = [], [], []
    uniprot = ontology == "UniProt"
    for curie, term in iter_terms(src):
        label = term.get("label") or ""
        if uniprot and label.rpartition("_")[2] not in UNIPROT_SPECIES:
            continue
        terms.append((curie, ontology, label, int(bool(term.get("deprecated"))), term.get("replaced_by")))
        for text, kind in _names(curie, ontology, term):
            key = matching_key(text)
            if key:
                names.append((key, curie, ontology, text, kind))
        parents.extend((curie, p) for p, d in (term.get("ancestors") or {}).items() if d == 1)
        if len(names) > 200_000:
            _flush(con, terms, names, parents)
    _flush(con, terms, names, parents)
    return con.execute("SELECT count(*) FROM terms WHERE ontology = ?", (ontology,)).fetchone()[0]


def _flush(con, terms, names, parents) -> None:
    con.executemany("INSERT OR IGNORE INTO terms VALUES (?, ?, ?, ?, ?)", terms)
    con.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", names)
    con.executemany("INSERT INTO parents VALUES (?, ?)", parents)
    terms.clear(), names.clear(), parents.clear()


class OntologyIndex:
    """Read access to a built index: name lookups, labels and the is-a hierarchy.

    Opening is cheap (no data is loaded); lookups are indexed SQLite queries and
    the hierarchy is cached per term.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise OntologyDataError(f"{self.path}: no ontology index; run `geoscribe ontology build`.")
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            self.meta = dict(self._con.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as exc:
            raise OntologyDataError(f"{self.path}: not an ontology index ({exc}); delete it and rebuild.") from None
        self.versions: dict[str, str] = json.loads(self.meta.get("versions", "{}"))
        self.ancestors = lru_cache(maxsize=65536)(self._ancestors)

    @classmethod
    def default(cls, *, build: bool = True, progress: bool = False) -> OntologyIndex:
        """The cached index of the installed package, built first if absent and ``build``."""
        path = default_index_path()
        if not path.is_file():
            if not build:
                raise OntologyDataError(f"{path}: no ontology index; run `geoscribe ontology build`.")
            build_index(path, progress=progress)
        return cls(path)

    @property
    def ontologies(self) -> tuple[str, ...]:
        return tuple(self.versions)

    def lookup(self, key: str, ontologies: tuple[str, ...]) -> list[tuple]:
        """Rows ``(curie, ontology, name, kind, label, deprecated, replaced_by)`` whose key is ``key``."""
        marks = ",".join("?" * len(ontologies))
        return self._con.execute(
            "SELECT n.curie, n.ontology, n.text, n.kind, t.label, t.deprecated, t.replaced_by "
            f"FROM names n JOIN terms t ON t.curie = n.curie WHERE n.key = ? AND n.ontology IN ({marks})",
            (key, *ontologies),
        ).fetchall()

    def names(self, ontology: str) -> list[str]:
        """Every distinct folded name of ``ontology`` (the fuzzy matcher's choices)."""
        rows = self._con.execute("SELECT DISTINCT text FROM names WHERE ontology = ? AND kind != ?", (ontology, ENTRY))
        return sorted({fold(r[0]) for r in rows})

    def curies_named(self, folded: str, ontology: str) -> list[str]:
        key = matching_key(folded)
        return [r[0] for r in self.lookup(key, (ontology,))]

    def term(self, curie: str) -> tuple[str, str, bool, str | None] | None:
        """``(ontology, label, deprecated, replaced_by)`` of ``curie``, or None."""
        row = self._con.execute(
            "SELECT ontology, label, deprecated, replaced_by FROM terms WHERE curie = ?", (curie,)
        ).fetchone()
        return None if row is None else (row[0], row[1], bool(row[2]), row[3])

    def label(self, curie: str) -> str | None:
        row = self.term(curie)
        return None if row is None else row[1]

    def parents(self, curie: str) -> list[str]:
        return [r[0] for r in self._con.execute("SELECT parent FROM parents WHERE curie = ?", (curie,))]

    def _ancestors(self, curie: str) -> frozenset[str]:
        seen: set[str] = set()
        todo = self.parents(curie)
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(self.parents(p))
        return frozenset(seen)

    def is_a(self, curie: str, ancestor: str) -> bool:
        """True when ``curie`` is ``ancestor`` or lies below it in the hierarchy."""
        return curie == ancestor or ancestor in self.ancestors(curie)

    def close(self) -> None:
        self._con.close()
