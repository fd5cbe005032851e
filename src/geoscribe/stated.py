"""Read what a GEO record states: ``key: value`` characteristics, deterministically.

Most GEO samples describe themselves in ``key: value`` characteristics (``gender:
M; age: 41; tissue: liver``). Those values need no model: this reader finds the
keys it knows (a synonym table per concept, :data:`KEYS`), reads the value that
follows up to the next separator (``;``, tab, newline, ``|``, the next known key,
``, other key:``, or the end of the field), normalises it to the schema's
spelling, and says where it read it. It never guesses: a value it cannot parse
(``sex: 1``, ``age: NA``, ``gender: unknown``, ``diseasestatus: 1``) is not
stated, and two different values for one concept are not stated either.

Inputs are either a :class:`~geoscribe.text.Sample` (read through its formatted
input line, :func:`geoscribe.text.format_sample`, so spans are offsets into the
line a translator reads; ``organism`` comes from the Sample's field) or a string:
the paper's ``Title: ... - Characteristics: ... - Description: ...`` line, or an
unlabelled pre-formatted text (title, source, characteristics and description
run together, as in ``geo_unlabelled/*.csv``). In the unlabelled form a field's
end is unknown, so the last value of the text is read only when it is short
(:data:`OPEN_END_WORDS` words) and categorical values only by their first word.

:func:`read_concepts` gives schema-neutral concepts (``sex``, ``age``, ...);
:func:`read_stated` maps them to a schema's attributes (docs/stated.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import Schema, get_schema
from .text import Sample, format_sample

#: concept -> regular expression of its keys, matched case-insensitively against
#: the key as written; ``_`` and spaces are interchangeable. Longer keys win.
_UNIT = r"years?|yrs?|y|months?|mos?|mths?|weeks?|wks?|w|days?|d|hours?|hrs?|h"
_WHO = r"(?:(?:donor|patient|subject|sample|animal|mouse|mice|individual|participant)[ _]+)?"
KEYS: dict[str, str] = {
    "sex": _WHO + r"(?:sex|gender)(?:[ _]*[(\[]?\s*m\s*/\s*f\s*[)\]]?)?",
    "age": _WHO
    + r"age(?:[ _]+of[ _]+(?:mouse|mice|animal|patient|donor|subject))?(?:[ _]+at[ _]+(?:(?:primary[ _]+)?diagnosis|dx|collection|sampling|sample|surgery|biopsy|death|baseline"
    r"|enrollment|enrolment|harvest|sacrifice|time[ _]+of[ _]+(?:surgery|sampling|collection)))?"
    r"(?:(?:[ _]+[(\[]?|[(\[])\s*(?:in[ _]+)?(?P<unit>" + _UNIT + r")\s*[)\]]?)?|agevalue",
    "cell_line": r"cell[ _]*line(?:[ _]+name)?|cl[ _]+name",
    "cell_type": r"cell[ _]*type",
    "tissue": r"tissue(?:[ _]+type)?|organism[ _]*part|body[ _]+site|organ",
    "disease": r"disease[ _]*(?:state|status)?|diagnosis|clinical[ _]*diagnosis"
    r"|(?:donor[ _]+)?health[ _]*(?:state|status)",
    "strain": r"(?:mouse[ _]+|rat[ _]+)?strain(?:[ _]+background)?",
    "ethnicity": r"race|ethnicity|ethnic[ _]+(?:background|group|origin)|race[ _]*/[ _]*ethnicity",
    "target": r"chip[ _-]*antibody|antibody|chip[ _-]*target|antibody[ _]+target|target",
    "developmental_stage": r"developmental[ _]+stage|development[ _]+stage|dev[ _]+stage|life[ _]+stage",
    "organism": r"organism|species",
}
CONCEPTS = tuple(KEYS)
#: keys that give way to the concept's main keys when both are written and disagree
#: (``tissue: breast; tissue type: DCIS``; ``disease state: X; clinical diagnosis: Y``)
SECONDARY_KEYS = re.compile(
    r"tissue[ _]+type|organ|body[ _]+site|.*diagnosis|.*health.*|age[ _]+at.*|(?:chip[ _-]*)?antibody", re.IGNORECASE
)

#: a key preceded by one of these words is about someone or something else
#: (``maternal age``, ``parental cell line``, ``advanced disease state``)
MODIFIERS = frozenset(
    "maternal paternal mother mother's father father's parental parent gestational advanced "
    "host recipient previous prior other original initial secondary donor's sirna shrna sgrna grna "
    "guide crispr knockdown transfected".split()
)
#: the last value of an unlabelled text may run into its description: read only this many words
OPEN_END_WORDS = 3

_KEY = re.compile(
    r"(?<![\w/.-])(?:" + "|".join(f"(?P<{c}>{p.replace('(?P<unit>', f'(?P<{c}_unit>')})"
                                   for c, p in KEYS.items()) + r")\s*:\s*",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[;\t\n\r|]")
_OTHER_KEY = re.compile(r",\s*[A-Za-z][\w ()/.-]{0,40}:\s")  # ", smoking: yes"
_HEADER = re.compile(r"(?:^|(?<= - ))(Title|Characteristics|Description|Source|Source name): ")

#: values that say nothing
_EMPTY = frozenset(
    "na n/a n.a. nan none null unknown unk not available not applicable not determined nd "
    "not specified unspecified missing - -- ? . other not reported not collected no data "
    "n/d undetermined unknow".split(" ")
) | {"not available", "not applicable", "not determined", "not specified", "not reported",
     "not collected", "no data"}

SEX = {
    "m": "male", "male": "male", "males": "male", "man": "male", "men": "male", "boy": "male",
    "f": "female", "female": "female", "females": "female", "w": "female", "woman": "female",
    "women": "female", "girl": "female",
    "mixed": "mixed", "pooled": "mixed", "mixed sex": "mixed", "male and female": "mixed",
    "female and male": "mixed", "both": "mixed", "male/female": "mixed", "female/male": "mixed",
    "m/f": "mixed", "f/m": "mixed", "male, female": "mixed", "female, male": "mixed",
    "hermaphrodite": "hermaphrodite",
}
HEALTHY = frozenset(
    "healthy|normal|control|healthy control|normal control|healthy donor|healthy volunteer|"
    "healthy subject|healthy individual|non-diseased|no disease|disease-free|disease free|"
    "apparently healthy|presumed normal".split("|")
)
#: disease values that name a group, not a disease
_UNINFORMATIVE_DISEASE = frozenset("case|patient|affected|unaffected|yes|no|positive|negative|"
                                   "disease|diseased|sick|ill|tumor|tumour|cancer".split("|"))
ETHNICITY = {
    "caucasian": "Caucasian", "white": "Caucasian", "european": "Caucasian",
    "white/caucasian": "Caucasian", "caucasian/white": "Caucasian", "european american": "Caucasian",
    "african american": "African American", "african-american": "African American",
    "black or african american": "African American", "black/african american": "African American",
    "black": "Black", "hispanic": "Hispanic", "latino": "Hispanic", "hispanic or latino": "Hispanic",
    "asian": "Asian", "japanese": "Japanese", "chinese": "Chinese", "han chinese": "Han Chinese",
    "yoruba": "Yoruba", "korean": "Korean", "indian": "Indian",
}
LIFE_STAGE = {
    "adult": "adult", "adults": "adult", "embryo": "embryonic", "embryonic": "embryonic",
    "fetal": "embryonic", "fetus": "embryonic", "foetal": "embryonic", "child": "child",
    "newborn": "newborn", "neonate": "newborn", "neonatal": "newborn", "postnatal": "postnatal",
    "young adult": "young adult", "larva": "larva", "pupa": "pupa", "prepupa": "prepupa",
}
UNITS = {
    "y": "year", "yr": "year", "yrs": "year", "year": "year", "years": "year", "yo": "year",
    "y.o.": "year", "years old": "year", "year old": "year", "yrs old": "year", "yr old": "year",
    "mo": "month", "mos": "month", "mth": "month", "mths": "month", "month": "month",
    "months": "month", "month old": "month", "months old": "month", "m": "month",
    "w": "week", "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "week old": "week", "weeks old": "week", "wk old": "week",
    "d": "day", "day": "day", "days": "day", "day old": "day", "days old": "day",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
}
_NUM = r"\d+(?:\.\d+)?"
_AGE = re.compile(
    rf"(?P<a>{_NUM})(?:\s*(?:-|–|to)\s*(?P<b>{_NUM}))?\s*-?\s*(?P<unit>[a-z. -]*?)\s*(?:of age)?",
    re.IGNORECASE,
)
_EMBRYONIC = re.compile(rf"(?:e|embryonic day|dpc)\s*(?P<a>{_NUM})|(?P<b>{_NUM})\s*dpc", re.IGNORECASE)
_POSTNATAL = re.compile(rf"(?:p|postnatal day)\s*(?P<a>{_NUM})", re.IGNORECASE)
_VENDOR = re.compile(
    r"abcam|millipore|upstate|santa cruz|cell signaling|diagenode|active motif|sigma|invitrogen|"
    r"polyclonal|monoclonal|rabbit|\bgoat\b|\bmouse\b|\bab\d+|\bsc-\d+|#|\bcat\b|catalog|lot",
    re.IGNORECASE,
)
_NO_TARGET = frozenset("none|input|no antibody|igg|rabbit igg|mouse igg|control|no ab|na".split("|"))


@dataclass(frozen=True)
class Stated:
    """One stated value and where it was read.

    ``span`` is ``(start, end)`` into the text read (the formatted input line of a
    Sample, or the string given) and ``text`` is that span's text; for evidence in a
    Sample field outside that line, ``span`` is None and ``field`` names the field.
    ``field`` otherwise names the part of the line (``characteristics``, ``title``,
    ``description``, or ``text`` for an unlabelled string).
    """

    value: str
    key: str
    text: str
    span: tuple[int, int] | None
    field: str

    def evidence(self) -> dict:
        """The :class:`~geoscribe.schema.Record` evidence entry for this value."""
        out: dict = {"text": self.text, "key": self.key, "field": self.field}
        if self.span is not None:
            out["span"] = list(self.span)
        return out


# -- reading key: value items ---------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    concept: str
    key: str
    value: str
    span: tuple[int, int]
    field: str
    open_end: bool  # the value ran to the end of an unlabelled text
    unit: str  # the unit written in the key (``age (yrs)``), else ""


def _regions(line: str) -> list[tuple[str, int, int, bool]]:
    """``(field, start, end, bounded)`` parts of a line: the paper's fields when it has
    their headers, else the whole line as one unlabelled ``text``."""
    heads = list(_HEADER.finditer(line))
    if not heads or heads[0].start() != 0:
        return [("text", 0, len(line), False)]
    out = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() - len(" - ") if i + 1 < len(heads) else len(line)
        out.append((m.group(1).lower().replace(" ", "_"), m.end(), end, True))
    return out


def _keys(line: str, start: int, end: int) -> list[tuple[re.Match, str]]:
    found = []
    for m in _KEY.finditer(line, start, end):
        concept = next(c for c in CONCEPTS if m.group(c) is not None)
        before = line[start:m.start()].split()
        if before and before[-1].lower().rstrip(",.") in MODIFIERS:
            continue
        found.append((m, concept))
    return found


def _items(line: str) -> list[_Item]:
    items = []
    for field, start, end, bounded in _regions(line):
        keys = _keys(line, start, end)
        for i, (m, concept) in enumerate(keys):
            v_start = m.end()
            v_end = keys[i + 1][0].start() if i + 1 < len(keys) else end
            stops = [v_end]
            for pattern in (_SEPARATOR, _OTHER_KEY):
                hit = pattern.search(line, v_start, v_end)
                if hit:
                    stops.append(hit.start())
            stop = min(stops)
            open_end = not bounded and stop == end
            raw = line[v_start:stop]
            lead = len(raw) - len(raw.lstrip())
            value = raw.strip().rstrip(".,").strip()
            if not value:
                continue
            s = v_start + lead
            unit = m.group(f"{concept}_unit") if concept == "age" else None
            items.append(_Item(concept, m.group(concept), value, (s, s + len(value)), field,
                               open_end, (unit or "").lower()))
    return items


# -- normalising values -----------------------------------------------------------------


def _is_empty(value: str) -> bool:
    return value.lower().strip(" .") in _EMPTY


def _is_code(value: str) -> bool:
    """``1``, ``0``, ``2.0``: a code for a category the record does not spell out."""
    return bool(re.fullmatch(r"[-+]?\d+(?:\.\d+)?", value.strip()))


def _words(value: str, item: _Item, n: int = OPEN_END_WORDS) -> str | None:
    """A free-text value, or None when it ran into unlabelled text and is long."""
    if item.open_end and len(value.split()) > n:
        return None
    return value


def _sex(value: str, item: _Item) -> dict[str, str] | None:
    v = value.lower().strip()
    if v in SEX:
        return {"sex": SEX[v]}
    words = set(re.split(r"[\s,/&+]+", v)) - {"pooled", "mixed", "and", "both", "sexes", ""}
    if words and {SEX.get(w) for w in words} == {"male", "female"} and words <= set(SEX):
        return {"sex": "mixed"}  # "pooled male and female", "males and females"
    if item.open_end:  # "gender: M Hybridized to ..."
        first = v.split()[0] if v.split() else ""
        if first in SEX and first not in ("both", "w"):
            return {"sex": SEX[first]}
    return None


def _number(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _age(value: str, item: _Item) -> dict[str, str] | None:
    v = " ".join(value.split())
    if v.lower() in LIFE_STAGE:  # "age: adult"
        return {"life_stage": LIFE_STAGE[v.lower()]}
    if not item.open_end:
        return _age_of(v, item) or (_age_of(v.split(",")[0], item) if "," in v else None)
    words = v.split()
    for n in (3, 2, 1):  # "41 years RNA was ..." -> the longest head that parses
        if len(words) >= n:
            read = _age_of(" ".join(words[:n]), item)
            if read:
                return read
    return None


def _age_of(v: str, item: _Item) -> dict[str, str] | None:
    m = _EMBRYONIC.fullmatch(v)
    if m:
        day = _number(m.group("a") or m.group("b"))
        if float(day) == 0:
            return None  # "E0": ENCODE's placeholder on ES cell records, not a day
        return {"age": day, "age_unit": "day",
                "life_stage": "embryonic"}
    m = _POSTNATAL.fullmatch(v)
    if m and item.unit == "":
        return {"age": _number(m.group("a")), "age_unit": "day", "life_stage": "postnatal"}
    m = _AGE.fullmatch(v)
    if not m:
        return None
    written = re.sub(r"\s+", " ", m.group("unit").strip().lower()).strip("- ")
    written = re.sub(r"[- ]old$", " old", written).strip()
    if written and written not in UNITS:
        return None
    if item.key.lower() == "agevalue" and not written:
        return None
    if written == "m" and not item.unit:
        return None  # "41 m": months or male? not read
    unit = UNITS.get(written) if written else UNITS.get(item.unit)
    if written and item.unit and UNITS.get(item.unit) != UNITS[written]:
        return None  # the key and the value disagree
    age = _number(m.group("a"))
    if m.group("b"):
        age = f"{age}-{_number(m.group('b'))}"
    out = {"age": age}
    if unit:
        out["age_unit"] = unit
    return out


def _stage(value: str, item: _Item) -> dict[str, str] | None:
    v = value.lower().strip()
    if v in LIFE_STAGE:
        return {"life_stage": LIFE_STAGE[v]}
    age = _EMBRYONIC.fullmatch(value.strip())
    if age:
        return {"life_stage": "embryonic"}
    return None


def _disease(value: str, item: _Item) -> dict[str, str] | None:
    v = value.lower().strip()
    if v in HEALTHY:
        return {"disease": "healthy"}
    if v in _UNINFORMATIVE_DISEASE or _is_code(v):
        return None
    text = _words(value, item)
    return {"disease": text} if text else None


def _ethnicity(value: str, item: _Item) -> dict[str, str] | None:
    v = value.lower().strip()
    if v in ETHNICITY:
        return {"ethnicity": ETHNICITY[v]}
    return None


def _target(value: str, item: _Item) -> dict[str, str] | None:
    v = re.sub(r"^anti[- ]", "", value.strip(), flags=re.IGNORECASE)
    v = re.split(r"\s*[(,]", v)[0].strip()
    v = re.sub(r"\s+antibody$", "", v, flags=re.IGNORECASE)
    if not v or v.lower() in _NO_TARGET or _VENDOR.search(v) or len(v.split()) > 2 or _is_code(v):
        return None
    if item.open_end and len(value.split()) > 2:
        return None
    return {"target": v}


def _organism(value: str, item: _Item) -> dict[str, str] | None:
    return {"organism": value} if re.fullmatch(r"[A-Z][a-z]+ [a-z]+", value) else None


def _free(concept: str):
    def read(value: str, item: _Item) -> dict[str, str] | None:
        if _is_code(value):
            return None
        text = _words(value, item)
        return {concept: text} if text else None

    return read


_READERS = {
    "sex": _sex,
    "age": _age,
    "cell_line": _free("cell_line"),
    "cell_type": _free("cell_type"),
    "tissue": _free("tissue"),
    "disease": _disease,
    "strain": _free("strain"),
    "ethnicity": _ethnicity,
    "target": _target,
    "developmental_stage": _stage,
    "organism": _organism,
}


# -- public API -------------------------------------------------------------------------


def _line_of(sample_or_text: Sample | str) -> str:
    if isinstance(sample_or_text, Sample):
        return format_sample(sample_or_text)
    return str(sample_or_text or "")


def read_concepts(sample_or_text: Sample | str) -> dict[str, Stated]:
    """Schema-neutral stated values: ``sex``, ``age``, ``age_unit``, ``life_stage``,
    ``cell_line``, ``cell_type``, ``tissue``, ``disease``, ``strain``, ``ethnicity``,
    ``target``, ``organism``. A concept stated twice with different values is left out."""
    line = _line_of(sample_or_text)
    found: dict[str, list[Stated]] = {}
    for item in _items(line):
        if _is_empty(item.value):
            continue
        read = _READERS[item.concept](item.value, item)
        for concept, value in (read or {}).items():
            text = line[item.span[0]:item.span[1]]
            found.setdefault(concept, []).append(Stated(value, item.key, text, item.span, item.field))
    if isinstance(sample_or_text, Sample) and sample_or_text.organism:
        org = _organism(sample_or_text.organism.strip(), None)  # type: ignore[arg-type]
        if org:
            found.setdefault("organism", []).append(
                Stated(org["organism"], "organism", sample_or_text.organism.strip(), None, "organism"))
    out = {}
    for concept, values in found.items():
        main = [v for v in values if not SECONDARY_KEYS.fullmatch(v.key)]
        values = main or values
        if len({v.value.lower() for v in values}) == 1:
            out[concept] = values[0]
    if "age" not in out:  # a unit or life stage without its age is kept only from its own key
        out.pop("age_unit", None)
    return out


#: concept -> attribute, per schema (docs/stated.md); the first concept stated wins
CISTROME_MAP = {
    "Cell Line": ("cell_line",),
    "Cell Type": ("cell_type",),
    "Tissue Type": ("tissue",),
    "Factor": ("target",),
}
ENCODE_MAP = {
    "Target of assay": ("target",),
    "Biosample term name": ("cell_line", "cell_type", "tissue"),
    "Organism": ("organism",),
    "Life stage": ("life_stage",),
    "Age": ("age",),
    "Age units": ("age_unit",),
    "Sex": ("sex",),
    "Ethnicity": ("ethnicity",),
    "Health status": ("disease",),
}
MAPS = {"cistrome": CISTROME_MAP, "encode": ENCODE_MAP}


def read_stated(sample_or_text: Sample | str, schema: str | Schema) -> dict[str, Stated]:
    """The attributes of ``schema`` that the record states, with their evidence.

    ENCODE ``Classification`` is ``cell line`` when a cell line is stated, and
    ``tissue`` when only a tissue is (no cell line, no cell type); nothing else is
    read from keys. Attributes not listed in :data:`MAPS` are never stated here.
    """
    schema = get_schema(schema)
    concepts = read_concepts(sample_or_text)
    mapping = MAPS.get(schema.name, {})
    out: dict[str, Stated] = {}
    for attribute, sources in mapping.items():
        for concept in sources:
            if concept in concepts:
                out[attribute] = concepts[concept]
                break
    if "Classification" in schema:
        if "cell_line" in concepts:
            out["Classification"] = _as(concepts["cell_line"], "cell line")
        elif "tissue" in concepts and "cell_type" not in concepts:
            out["Classification"] = _as(concepts["tissue"], "tissue")
    return out


def _as(stated: Stated, value: str) -> Stated:
    return Stated(value, stated.key, stated.text, stated.span, stated.field)
