"""Readers for GEO's line formats: SOFT (family files, single GSM records, GDS
datasets) and series matrix files, plain or gzipped.

Only the sample text is kept. Data tables (``!sample_table_begin`` ... ``_end``)
are skipped byte-wise without decoding, so a 60 MB family file streams in a few
seconds with flat memory; a series matrix or a GDS is read only up to the start
of its data table, where its sample text ends.

Field mapping (GEOmetadb's, which the seed paper used; channel 1 only):

====================  ===================================================================
Sample field          SOFT lines (first present wins; several lines are joined by "; ")
====================  ===================================================================
gsm                   ``!Sample_geo_accession``, else the ``^SAMPLE = ...`` label
title                 ``!Sample_title``
characteristics       ``!Sample_characteristics_ch1`` (all lines)
description           ``!Sample_description`` (all lines)
source_name           ``!Sample_source_name_ch1`` (old records: ``!Sample_target_source``)
organism              ``!Sample_organism_ch1`` (old records: ``!Sample_organism``)
series                ``!Sample_series_id`` (all, comma-joined), else the file's ``^SERIES``
platform              ``!Sample_platform_id``
sample_type           ``!Sample_type``
library_strategy      ``!Sample_library_strategy``
molecule              ``!Sample_molecule_ch1``
====================  ===================================================================

A GDS file has no ``^SAMPLE`` blocks: its samples are the GSM columns of the
dataset table, titled by the ``#GSM... = Value for GSM...: title; src: source``
lines, and their characteristics are the curated subsets (``disease state: RCC;
individual: 035``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..text import Sample
from ._common import decode, guarded, open_binary, sample_or_none, text_lines

_GSM = re.compile(r"GSM\d+")
_GSE = re.compile(r"GSE\d+")


def read_soft(path: str | Path) -> Iterator[Sample]:
    """Samples of a SOFT family file, a single-sample SOFT record or a GDS SOFT file.

    Raises
    ------
    InputError
        The file is damaged (the message says how many samples came before) or
        holds no sample (for example a platform-only ``GPL*_family.soft``).
    """
    path = Path(path)
    return guarded(path, _soft_samples(path), what="SOFT file")


def read_series_matrix(path: str | Path) -> Iterator[Sample]:
    """Samples of a GEO series matrix file (``GSE*_series_matrix.txt[.gz]``)."""
    path = Path(path)
    return guarded(path, _matrix_samples(path), what="series matrix file")


# -- SOFT ---------------------------------------------------------------------------


def _split(raw: bytes) -> tuple[str, str]:
    """``b"!Key = value\\n"`` -> ``("key", "value")`` (key lower-cased, no marker)."""
    key, _, value = decode(raw).rstrip("\r\n")[1:].partition("=")
    return key.strip().lower(), value.strip()


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _soft_sample(label: str, f: dict[str, list[str]], series: str) -> Sample:
    def first(*keys: str) -> str:
        for k in keys:
            for v in f.get(k, ()):
                if v:
                    return v
        return ""

    def joined(key: str, sep: str = "; ") -> str:
        return sep.join(v for v in f.get(key, ()) if v)

    return sample_or_none(
        gsm=first("sample_geo_accession") or label,
        title=first("sample_title"),
        characteristics=joined("sample_characteristics_ch1"),
        description=joined("sample_description"),
        source_name=first(
            "sample_source_name_ch1", "sample_target_source", "sample_target_source1"
        ),
        organism=", ".join(_unique(f.get("sample_organism_ch1") or f.get("sample_organism", []))),
        series=",".join(_unique(f.get("sample_series_id", []))) or series,
        platform=first("sample_platform_id"),
        sample_type=first("sample_type"),
        library_strategy=first("sample_library_strategy"),
        molecule=first("sample_molecule_ch1"),
    )


class _Dataset:
    """What a GDS file says about its samples, gathered while streaming it."""

    def __init__(self, accession: str) -> None:
        self.accession = accession
        self.info: dict[str, str] = {}
        self.order: dict[str, None] = {}  # GSM ids in first-seen order
        self.titles: dict[str, tuple[str, str]] = {}
        self.chars: dict[str, list[str]] = {}
        self.subset: dict[str, str] = {}

    def close_subset(self) -> None:
        s, self.subset = self.subset, {}
        kind, value = s.get("subset_type", ""), s.get("subset_description", "")
        for gsm in _GSM.findall(s.get("subset_sample_id", "")):
            self.order.setdefault(gsm)
            if value:
                self.chars.setdefault(gsm, []).append(f"{kind}: {value}" if kind else value)

    def value_line(self, key: str, value: str) -> None:
        # "#GSM11815 = Value for GSM11815: C035 Renal Carcinoma U133B; src: Trizol ..."
        if _GSM.fullmatch(key.upper()):
            gsm = key.upper()
            text = re.sub(r"^Value for GSM\d+:\s*", "", value)
            title, _, source = text.partition("; src: ")
            self.order.setdefault(gsm)
            source = source.split("; src: ")[0]  # two-channel: keep channel 1
            self.titles[gsm] = (title.strip(), source.strip())

    def samples(self) -> Iterator[Sample]:
        self.close_subset()
        for gsm in self.order:
            title, source = self.titles.get(gsm, ("", ""))
            yield sample_or_none(
                gsm=gsm,
                title=title,
                characteristics="; ".join(self.chars.get(gsm, [])),
                source_name=source,
                organism=self.info.get("dataset_sample_organism")
                or self.info.get("dataset_platform_organism"),
                series=self.info.get("dataset_reference_series"),
                platform=self.info.get("dataset_platform"),
            )


def _soft_samples(path: Path) -> Iterator[Sample]:
    fields: dict[str, list[str]] | None = None  # the open ^SAMPLE block
    label = series = ""
    dataset: _Dataset | None = None
    in_table = False
    n_samples = n_platforms = 0
    with open_binary(path) as fh:
        for raw in fh:
            c = raw[:1]
            if in_table:  # skip data rows without decoding them
                if c == b"!" and b"_table_end" in raw.lower():
                    in_table = False
                continue
            if not c or c not in b"^!#":
                continue
            key, value = _split(raw)
            if c == b"^":
                if fields is not None:
                    n_samples += 1
                    yield _soft_sample(label, fields, series)
                    fields = None
                entity = key.upper()
                if entity == "SAMPLE":
                    fields, label = {}, value
                elif entity == "SERIES" and _GSE.fullmatch(value):
                    series = value
                elif entity == "PLATFORM":
                    n_platforms += 1
                elif entity == "DATASET":  # GDS files repeat it before the column list
                    if dataset is None or dataset.accession != value:
                        dataset = _Dataset(value)
                elif entity == "SUBSET" and dataset is not None:
                    dataset.close_subset()
            elif c == b"#":
                if dataset is not None:
                    dataset.value_line(key, value)
            elif key.endswith("_table_begin"):
                if key == "dataset_table_begin" and dataset is not None:
                    header = decode(next(fh, b"")).rstrip("\r\n").split("\t")
                    for col in header:
                        if _GSM.fullmatch(col.strip()):
                            dataset.order.setdefault(col.strip())
                    break  # a GDS has nothing but its table after this point
                in_table = True
            elif fields is not None:
                if key.startswith("sample_"):
                    fields.setdefault(key, []).append(value)
            elif dataset is not None:
                if key.startswith("subset_"):
                    dataset.subset[key] = value
                elif key.startswith("dataset_"):
                    dataset.info[key] = value
    if fields is not None:
        n_samples += 1
        yield _soft_sample(label, fields, series)
    if dataset is not None:
        for sample in dataset.samples():
            n_samples += 1
            yield sample
    if n_samples == 0 and series:
        raise InputError(f"{path}: no ^SAMPLE records, only the headers of series {series}")
    if n_samples == 0 and n_platforms:
        raise InputError(
            f"{path}: no samples, only platform (GPL) records; "
            "read a series family file (GSE*_family.soft.gz) instead"
        )


# -- series matrix ------------------------------------------------------------------


def _matrix_samples(path: Path) -> Iterator[Sample]:
    rows: dict[str, list[list[str]]] = {}
    series = ""
    with open_binary(path) as fh:
        for line in text_lines(fh):
            if not line.startswith("!"):
                continue
            low = line[:40].lower()
            if low.startswith("!series_matrix_table_begin"):
                break  # the sample text is all above the data table
            if low.startswith("!sample_") or low.startswith("!series_geo_accession"):
                key, *values = next(csv.reader([line], delimiter="\t"))
                key = key[1:].strip().lower()
                if key == "series_geo_accession":
                    series = ",".join(_unique([v.strip() for v in values]))
                else:
                    rows.setdefault(key, []).append([v.strip() for v in values])
    if not rows:
        return
    ids = rows.get("sample_geo_accession") or rows.get("sample_title") or [[]]
    for i in range(len(ids[0])):
        f = {k: [r[i] for r in rs if i < len(r)] for k, rs in rows.items()}
        yield _soft_sample("", f, series)
