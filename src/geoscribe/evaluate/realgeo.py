"""Scoring for the real-GEO benchmark (issue 19): silver checks, gold outcomes, calibration.

Silver expectations are read from a record's own ``key: value`` characteristics by
a small, strict extractor kept here on purpose, apart from any reader the
translators use, so the benchmark never grades a reader with itself: exact common
keys only (:data:`SILVER_KEYS`), one value per key, light normalisation (case and
spacing, ``M``/``F``, ``41 years`` vs ``41``).

Gold outcomes sort each (sample, attribute) cell into ``correct``, ``wrong``,
``hallucinated`` (a specific value where the gold says unknown or not applicable) or
``abstained`` (``None``/``unknown``/empty where the gold has a value).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import InputError
from ..schema import Record, get_schema
from ..text import Sample
from .metrics import is_present

# ---------------------------------------------------------------- values

#: values that say "no value": the attribute does not apply, or is not known
NON_SPECIFIC = frozenset({"", "none", "unknown", "n/a", "na"})


def norm(value: str | None) -> str:
    """Comparison form: lower-cased, spacing collapsed, parts of a multi-value sorted
    (``female,male`` == ``male, female``)."""
    text = " ".join((value or "").lower().split())
    if "," in text:
        text = ",".join(sorted(p.strip() for p in text.split(",") if p.strip()))
    return text


def is_specific(value: str | None) -> bool:
    """Whether a value names something (not ``None``/``unknown``/empty)."""
    return norm(value) not in NON_SPECIFIC


# ---------------------------------------------------------------- strict extractor

#: silver attribute -> the exact characteristics keys (lower-cased) it is read from
SILVER_KEYS: dict[str, tuple[str, ...]] = {
    "sex": ("sex", "gender"),
    "age": ("age",),
    "cell line": ("cell line",),
    "cell type": ("cell type",),
    "tissue": ("tissue",),
    "disease": ("disease state",),
    "strain": ("strain",),
    "antibody": ("antibody", "chip antibody"),
}
_KEY_TO_SILVER = {k: attr for attr, keys in SILVER_KEYS.items() for k in keys}
_ITEM_SPLIT = re.compile(r";\s+|;$|\n|\t")


def parse_characteristics(text: str) -> list[tuple[str, str]]:
    """``key: value`` items of a characteristics field, keys lower-cased, in order.

    Items are separated by ``;`` + space (GEOmetadb's ``";\\t"``, the readers' ``"; "``),
    tabs or newlines; the key runs to the item's first ``:``; an item without one is skipped.
    """
    items = []
    for part in _ITEM_SPLIT.split(text or ""):
        key, sep, value = part.partition(":")
        if sep and key.strip() and value.strip():
            items.append((" ".join(key.lower().split()), value.strip()))
    return items


def stated_values(characteristics: str) -> dict[str, str]:
    """Silver attribute -> the value its exact key states; an attribute whose keys give
    two different values is left out (no single stated value)."""
    seen: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for key, value in parse_characteristics(characteristics):
        attr = _KEY_TO_SILVER.get(key)
        if attr:
            seen.setdefault(attr, set()).add(norm(value))
            first.setdefault(attr, value)
    return {a: first[a] for a, vals in seen.items() if len(vals) == 1}


_SEX = {"m": "male", "male": "male", "f": "female", "female": "female"}


def sex_value(value: str) -> str | None:
    """``male``/``female`` for M/F/male/female (any case); None for anything else."""
    return _SEX.get(norm(value))


_AGE_UNITS = {
    "year": ("y", "yr", "yrs", "year", "years", "years old", "yo", "y/o"),
    "month": ("mo", "mos", "month", "months"),
    "week": ("wk", "wks", "week", "weeks"),
    "day": ("d", "day", "days"),
}
_UNIT_OF = {word: unit for unit, words in _AGE_UNITS.items() for word in words}
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z/ ]*?)\s*(?:old)?$")


def age_value(value: str) -> tuple[str, str | None] | None:
    """``(number, unit or None)`` for a single age such as ``41``, ``41 years``, ``5.8 y``;
    None for ranges, words or unknown units. The number drops a ``.0`` tail."""
    m = _AGE.match(norm(value))
    if not m:
        return None
    number, unit_text = m.group(1), m.group(2).strip()
    if unit_text and unit_text not in _UNIT_OF:
        return None
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number, _UNIT_OF.get(unit_text)


_HEALTHY = {"normal", "healthy", "control", "healthy control", "normal control"}


def disease_alternatives(value: str) -> list[str]:
    """What a stated disease state may come back as: itself; for a healthy-like
    value also ENCODE's ``healthy`` and ``normal``."""
    if norm(value) in _HEALTHY:
        return [value, "healthy", "normal"]
    return [value]


# ---------------------------------------------------------------- cues

# words end at any non-letter, so keys such as ``age_at_baseline`` or ``Sex_M`` count as cues
_SEX_CUE = re.compile(r"(?<![a-z])(?:(?:fe)?males?|m[ae]n|wom[ae]n|boys?|girls?|sex|gender)(?![a-z])", re.IGNORECASE)
_AGE_CUE = re.compile(
    r"(?<![a-z])age[ds]?(?![a-z])|\d+(?:\.\d+)?\s*-?\s*(?:years?|yrs?|yo|y/o|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h|d|w|y)\b"
    r"|\b[EP]\d+(?:\.\d+)?\b",
    re.IGNORECASE,
)
_TARGET_CUE = re.compile(
    r"chip|antibod|immunoprecipitat|\banti-|\bab\d+|\bh[1-4][a-z0-9.]*k\d+|histone|\bclip\b|\brip\b"
    r"|cut&run|cut&tag|cut and run|dam-?id|pull-?down",
    re.IGNORECASE,
)


def has_sex_cue(text: str) -> bool:
    """Any sex word in the record (``male``, ``women``, ``sex``, ``gender``, ...)."""
    return bool(_SEX_CUE.search(text or ""))


def has_age_cue(text: str) -> bool:
    """An age word, a number with a time unit (``41 years``, ``6h``) or a stage (``E14.5``, ``P7``)."""
    return bool(_AGE_CUE.search(text or ""))


def has_target_cue(text: str) -> bool:
    """A ChIP / antibody word, a histone mark or an RNA-binding assay word."""
    return bool(_TARGET_CUE.search(text or ""))


# ---------------------------------------------------------------- silver checks


@dataclass(frozen=True)
class SilverItem:
    """One archive record: its id, GEO sample type, raw characteristics, the whole
    record's text (every field, for cues) and the input line the translator read."""

    gsm: str
    sample_type: str
    characteristics: str
    record_text: str
    input_text: str


@dataclass(frozen=True)
class Outcome:
    """One check on one record: ``check`` names it, ``ok`` is the verdict."""

    check: str
    schema: str
    attribute: str
    ok: bool
    expected: str = ""
    got: str = ""
    loose: bool | None = None  # read checks of names: the value is a whole-word part of the stated one


def contained(got: str, stated: Iterable[str]) -> bool:
    """A specific value that is a whole-word part of a stated value (``Blood`` of
    ``peripheral blood``): a looser reading, reported beside the strict one."""
    g = norm(got)
    return is_specific(got) and any(re.search(rf"(?<!\w){re.escape(g)}(?!\w)", norm(s)) for s in stated)


def _matches(got: str, alternatives: Iterable[str]) -> bool:
    return norm(got) in {norm(a) for a in alternatives}


def _age_matches(got: str, number: str) -> bool:
    parsed = age_value(got)
    return parsed is not None and parsed[0] == number


def silver_outcomes(item: SilverItem, records: Mapping[str, Record]) -> list[Outcome]:
    """Every silver check that applies to ``item`` given its records by schema
    (``cistrome``/``encode``; a missing schema skips its checks).

    ``read:*`` checks a stated value comes back as stated; ``assay:rna`` an RNA sample
    has ENCODE Assay type ``Transcription``; ``hallucination:*`` (ok = not hallucinated)
    a record with no cue for the attribute gets no specific value.
    """
    stated = stated_values(item.characteristics)
    cis, enc = records.get("cistrome"), records.get("encode")
    out: list[Outcome] = []

    def add(check, rec, attr, ok_fn, expected, loose_of=None):
        if rec is not None:
            got = rec[attr]
            ok = bool(ok_fn(got))
            loose = (ok or contained(got, loose_of)) if loose_of is not None else None
            out.append(Outcome(check, rec.schema.name, attr, ok, expected, got, loose))

    if "sex" in stated and (sex := sex_value(stated["sex"])):
        add("read:sex", enc, "Sex", lambda g: norm(g) == sex, sex)
    if "age" in stated and (age := age_value(stated["age"])):
        number, unit = age
        add("read:age", enc, "Age", lambda g: _age_matches(g, number), number)
        if unit:
            add("read:age units", enc, "Age units", lambda g: norm(g) == unit, unit)
    if "cell line" in stated:
        line = stated["cell line"]
        add("read:cell line", enc, "Biosample term name", lambda g: _matches(g, [line]), line, [line])
        add("read:cell line", cis, "Cell Line", lambda g: _matches(g, [line]), line, [line])
    for key, attr in (("cell type", "Cell Type"), ("tissue", "Tissue Type")):
        if key in stated:
            value = stated[key]
            add(f"read:{key}", cis, attr, lambda g, v=value: _matches(g, [v]), value, [value])
    if "cell line" not in stated and ("cell type" in stated or "tissue" in stated):
        alts = [stated[k] for k in ("cell type", "tissue") if k in stated]
        add("read:biosample (cell type/tissue)", enc, "Biosample term name",
            lambda g: _matches(g, alts), " | ".join(alts), alts)
    if "disease" in stated:
        alts = disease_alternatives(stated["disease"])
        add("read:disease", enc, "Health status", lambda g: _matches(g, alts), " | ".join(alts), alts)
    if "antibody" in stated:
        antibody = norm(stated["antibody"])
        within = lambda g: is_specific(g) and norm(g) in antibody  # noqa: E731
        add("read:antibody target", enc, "Target of assay", within, stated["antibody"])
        add("read:antibody target", cis, "Factor", within, stated["antibody"])
    if item.sample_type.strip().upper() == "RNA":
        add("assay:rna", enc, "Assay type", lambda g: norm(g) == "transcription", "Transcription")

    no_value = lambda g: not is_specific(g)  # noqa: E731
    # a value recorded about a named entity (K562's donor is female) is supported, not invented:
    # the "unless known" rows leave out values whose source is ``known``
    known = lambda rec, attr: lambda g: no_value(g) or (rec is not None and rec.source.get(attr) == "known")  # noqa: E731
    if "sex" not in stated and not has_sex_cue(item.record_text):
        add("hallucination:sex", enc, "Sex", no_value, "None/unknown")
        add("hallucination unless known:sex", enc, "Sex", known(enc, "Sex"), "None/unknown or known")
    if "age" not in stated and not has_age_cue(item.record_text):
        add("hallucination:age", enc, "Age", no_value, "None/unknown")
        add("hallucination unless known:age", enc, "Age", known(enc, "Age"), "None/unknown or known")
    if "antibody" not in stated and not has_target_cue(item.record_text):
        add("hallucination:target", enc, "Target of assay", no_value, "None/unknown")
        add("hallucination:target", cis, "Factor", no_value, "None/unknown")
    return out


def summarise_outcomes(outcomes: Iterable[Outcome]) -> dict[str, dict[str, dict]]:
    """check -> ``schema/attribute`` -> ``{n, ok, rate}``; for hallucination checks
    ``rate`` is the hallucination rate (share not ok), for the others the share ok;
    read checks of names add ``loose_rate`` (see :func:`contained`)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for o in outcomes:
        c = counts.setdefault((o.check, f"{o.schema}/{o.attribute}"), [0, 0, 0, 0])
        c[0] += 1
        c[1] += o.ok
        if o.loose is not None:
            c[2] += 1
            c[3] += o.loose
    table: dict[str, dict[str, dict]] = {}
    for (check, where), (n, ok, n_loose, loose) in sorted(counts.items()):
        bad = check.startswith("hallucination")
        row = {"n": n, "ok": ok, "rate": (n - ok if bad else ok) / n}
        if n_loose:
            row["loose_rate"] = loose / n_loose
        table.setdefault(check, {})[where] = row
    return table


# ---------------------------------------------------------------- broken values


def training_values(records: Iterable[Record]) -> dict[str, set[str]]:
    """attribute -> the normalised values it takes in training records."""
    values: dict[str, set[str]] = {}
    for r in records:
        for a, v in r.values.items():
            values.setdefault(a, set()).add(norm(v))
    return values


def broken_attributes(record: Record, input_text: str, known: Mapping[str, set[str]]) -> list[str]:
    """Attributes whose value is neither ``None``/``unknown``/empty, a training value of
    that attribute, nor a span of the input (case- and spacing-insensitive; a
    multi-value passes when every part is a training value or a span)."""
    broken = []
    for attr, value in record.values.items():
        if not is_specific(value) or norm(value) in known.get(attr, ()) or is_present(value, input_text):
            continue
        parts = [p for p in value.split(",") if p.strip()]
        if len(parts) > 1 and all(norm(p) in known.get(attr, ()) or is_present(p, input_text) for p in parts):
            continue
        broken.append(attr)
    return broken


# ---------------------------------------------------------------- gold

STATUSES = ("stated", "inferable", "unknown", "not_applicable")
OUTCOMES = ("correct", "wrong", "hallucinated", "abstained")
#: the attributes a user looks at first; the gold headline is their mean share correct
USER_FACING = {
    "encode": ("Assay name", "Assay type", "Target of assay", "Biosample term name", "Organism", "Age",
               "Age units", "Sex", "Health status", "Classification"),
    "cistrome": ("Cell Line", "Cell Type", "Tissue Type", "Factor"),
}


@dataclass(frozen=True)
class GoldLabel:
    """A curator's label: accepted values (any matches) and how the text supports it."""

    values: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class GoldSample:
    gsm: str
    source: str
    sample: Sample
    labels: dict[str, dict[str, GoldLabel]] = field(default_factory=dict)  # schema -> attribute -> label


_SAMPLE_FIELDS = {f.name for f in fields(Sample)}


def gold_sample(gsm: str, fields_or_text: Mapping[str, str] | str) -> Sample:
    """A :class:`Sample` from a gold line's ``fields`` (those Sample has; the others,
    such as ``sample_type`` today, are not seen by the translator) or its ``text``."""
    if isinstance(fields_or_text, str):
        return Sample(gsm=gsm, text=fields_or_text)
    kept = {k: str(v or "") for k, v in fields_or_text.items() if k in _SAMPLE_FIELDS and k != "gsm"}
    return Sample(gsm=gsm, **kept)


def _label(where: str, raw: object) -> GoldLabel:
    if not isinstance(raw, Mapping) or "value" not in raw or "status" not in raw:
        raise InputError(f"{where}: a label needs 'value' and 'status'.")
    value, status = raw["value"], raw["status"]
    if status not in STATUSES:
        raise InputError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}.")
    values = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
    if not values:
        raise InputError(f"{where}: empty list of values.")
    return GoldLabel(values, status)


def read_gold(path: str | Path) -> list[GoldSample]:
    """The gold set: one JSON object per line (see docs/benchmarks/real_geo.md)."""
    path = Path(path)
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the gold set ({exc.strerror}).") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc.msg}).") from None
        gsm = str(obj.get("gsm", ""))
        if "fields" in obj:
            sample = gold_sample(gsm, obj["fields"])
        elif "text" in obj:
            sample = gold_sample(gsm, str(obj["text"]))
        else:
            raise InputError(f"{where}: needs 'fields' or 'text'.")
        labels = {}
        for schema in ("cistrome", "encode"):
            if schema in obj:
                attrs = get_schema(schema).attributes
                unknown = set(obj[schema]) - set(attrs)
                if unknown:
                    raise InputError(f"{where}: {schema} has no attribute(s) {sorted(unknown)}.")
                labels[schema] = {a: _label(f"{where} {schema}/{a}", v) for a, v in obj[schema].items()}
        items.append(GoldSample(gsm, str(obj.get("source", "")), sample, labels))
    return items


def classify(predicted: str, label: GoldLabel) -> str:
    """``correct`` / ``wrong`` / ``hallucinated`` / ``abstained`` for one cell.

    A prediction matching any accepted value is correct. Where the gold has no
    specific value (unknown, not applicable), any non-specific prediction is correct
    (``None`` vs ``unknown`` are both abstentions) and a specific one hallucinated.
    Where it has one, a non-specific prediction is an abstention, else wrong.
    """
    if norm(predicted) in {norm(v) for v in label.values}:
        return "correct"
    gold_specific = label.status in ("stated", "inferable") and any(is_specific(v) for v in label.values)
    if not gold_specific:
        return "hallucinated" if is_specific(predicted) else "correct"
    return "wrong" if is_specific(predicted) else "abstained"


def score_gold(labels: Sequence[Mapping[str, GoldLabel]], records: Sequence[Record], schema: str) -> dict:
    """Per attribute outcome counts and rates over the samples labelled for ``schema``;
    ``user_facing`` is the mean share correct over :data:`USER_FACING` attributes, and
    ``hallucinated`` the share of user-facing cells holding a hallucination."""
    if len(labels) != len(records):
        raise InputError(f"{len(records)} records for {len(labels)} gold samples.")
    per: dict[str, Counter] = {}
    for lab, rec in zip(labels, records):
        for attr, label in lab.items():
            per.setdefault(attr, Counter())[classify(rec[attr], label)] += 1
    attrs = [a for a in get_schema(schema).attributes if a in per]
    table = {}
    for a in attrs:
        n = sum(per[a].values())
        table[a] = {"n": n, **{o: per[a][o] for o in OUTCOMES}, "correct_rate": per[a]["correct"] / n,
                    "hallucinated_rate": per[a]["hallucinated"] / n}
    user = [a for a in USER_FACING[get_schema(schema).name] if a in table]
    cells = sum(table[a]["n"] for a in user)
    return {
        "n_samples": len(labels),
        "per_attribute": table,
        "user_facing": sum(table[a]["correct_rate"] for a in user) / len(user) if user else None,
        "hallucinated": sum(table[a]["hallucinated"] for a in user) / cells if cells else None,
        "user_facing_attributes": user,
    }


# ---------------------------------------------------------------- calibration


def reliability(confidence: Sequence[float], correct: Sequence[bool], n_bins: int = 10) -> dict:
    """Expected calibration error over ``n_bins`` equal-width bins of [0, 1] and the
    bins (count, mean confidence, accuracy); a confidence of 1 falls in the last bin."""
    if len(confidence) != len(correct):
        raise InputError(f"{len(confidence)} confidences for {len(correct)} verdicts.")
    bins = [{"lo": i / n_bins, "hi": (i + 1) / n_bins, "n": 0, "conf": 0.0, "acc": 0.0} for i in range(n_bins)]
    for c, ok in zip(confidence, correct):
        b = bins[min(int(float(c) * n_bins), n_bins - 1)]
        b["n"] += 1
        b["conf"] += float(c)
        b["acc"] += bool(ok)
    total = len(confidence)
    ece = 0.0
    for b in bins:
        if b["n"]:
            b["conf"] /= b["n"]
            b["acc"] /= b["n"]
            ece += b["n"] / total * abs(b["acc"] - b["conf"])
    return {"n": total, "ece": ece if total else None, "bins": bins}


def plot_reliability(curve: Mapping, path: str | Path, title: str) -> Path:
    """A reliability diagram (accuracy per confidence bin against the diagonal) as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.5, 4.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    bins = [b for b in curve["bins"] if b["n"]]
    width = curve["bins"][0]["hi"] - curve["bins"][0]["lo"] if curve["bins"] else 0.1
    ax.bar([b["lo"] for b in bins], [b["acc"] for b in bins], width=width, align="edge",
           edgecolor="black", alpha=0.7, label="accuracy")
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share correct")
    ece = curve.get("ece")
    ax.set_title(f"{title}\nECE {ece:.3f}, n={curve['n']}" if ece is not None else title, fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    path = Path(path)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def gold_part(gsm: str) -> str:
    """``design`` or ``test``: a fixed half of the gold set by a hash of the GSM id. Rules and
    thresholds may be chosen by reading errors on the design half only; the test half is for
    reporting (docs/benchmarks/real_geo.md)."""
    import hashlib

    return "design" if int(hashlib.sha1(gsm.encode()).hexdigest(), 16) % 2 == 0 else "test"
