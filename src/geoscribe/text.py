"""Sample text and the seed paper's input formatting.

The paper (section 4.1) builds each input by alternating a field name with its
content, pairs joined by `` - ``: ``Title: ... - Characteristics: ... -
Description: ...``. Before joining, every field is cleaned:

1. newlines and tabs are removed (each replaced by a single space here, so that
   words on either side do not fuse);
2. the special characters ``! @ # $ & ^ * [ ] ? \\ | ` ~ + "`` are replaced by a space;
3. runs of spaces are collapsed and the ends stripped (ours: the paper's padding
   made extra spaces harmless; a tokenizer is better off without them).

Empty fields are left out. :class:`TextFormat` holds all of it, so each rule can
be changed; ``TextFormat()`` is the paper's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, fields, replace

#: the most characters one text (a whole input line, or one field of a sample) may hold;
#: longer ones are cut here with a warning, by the readers, the CLI, ingest and the service
#: alike (the seq2seq reads ~20,000 at most; this only bounds memory and time)
MAX_TEXT_CHARS = 100_000

# code points no tokenizer or UTF-8 writer should see: lone surrogates (from undecodable
# bytes on argv/stdin or "\\ud800" in JSON) and control characters other than tab/newline/CR
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\ufffd"

log = logging.getLogger("geoscribe")


def sanitise(text: str) -> tuple[str, int]:
    """``text`` with invalid code points replaced by U+FFFD, and how many were replaced.

    Replaced: lone surrogates, NUL and the other C0/C1 control characters except
    tab, newline and carriage return. One bad character must not stop a batch.
    """
    return _INVALID.subn(REPLACEMENT, text)


def cap(text: str, limit: int = MAX_TEXT_CHARS, *, what: str = "a text") -> tuple[str, bool]:
    """``text`` cut to ``limit`` characters (with a logged warning), and whether it was cut."""
    if len(text) <= limit:
        return text, False
    log.warning("%s of %d characters was cut to the first %d (geoscribe.text.MAX_TEXT_CHARS)",
                what[:1].upper() + what[1:], len(text), limit)
    return text[:limit], True


def clean_input(text: str) -> str:
    """One text made safe for the models: :func:`sanitise` then :func:`cap`."""
    return cap(sanitise(text)[0])[0]

# The paper lists  !@#$&^*[]?\—‘˜ +”  (typographic quotes/dashes in the PDF are
# its rendering of plain ASCII ones).
PAPER_SPECIAL_CHARACTERS = "!@#$&^*[]?\\|`~+\""


@dataclass(frozen=True)
class Sample:
    """The free text of one GEO sample, as the readers yield it."""

    gsm: str = ""
    title: str = ""
    characteristics: str = ""
    description: str = ""
    source_name: str = ""
    organism: str = ""
    series: str = ""
    platform: str = ""
    # Pre-formatted input text (as in the shared pairs' ``input`` column); when set,
    # it is used as is instead of formatting the fields.
    text: str = ""
    # What GEO says the sample is: ``!Sample_type`` (RNA, genomic, SRA, protein, ...),
    # ``!Sample_library_strategy`` (RNA-Seq, ChIP-Seq, ...; sequencing records only) and
    # ``!Sample_molecule_ch1`` (total RNA, genomic DNA, ...). Evidence for the assay.
    sample_type: str = ""
    library_strategy: str = ""
    molecule: str = ""
    # what :func:`sanitise_sample` did: invalid characters replaced, fields cut at the cap
    replaced: int = field(default=0, compare=False)
    cut: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FIELDS}


#: the Sample fields in order; the export columns (io.tables) and the store's
#: sample columns (io.store) are derived from it, so a field added to Sample
#: flows through both. The sanitiser's counters (compare=False) are bookkeeping, not text.
FIELDS = tuple(f.name for f in fields(Sample) if f.compare)


@dataclass(frozen=True)
class TextFormat:
    """How a :class:`Sample` becomes the model's input line.

    ``fields`` pairs each printed field name with the Sample attribute it shows.
    """

    fields: tuple[tuple[str, str], ...] = (
        ("Title", "title"),
        ("Characteristics", "characteristics"),
        ("Description", "description"),
    )
    special_characters: str = PAPER_SPECIAL_CHARACTERS
    separator: str = " - "
    max_chars: int | None = None  # cut the formatted line after this many characters
    _table: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", {ord(c): " " for c in self.special_characters})

    def clean(self, text: str) -> str:
        """Apply the cleaning rules 1-3 to one field."""
        text = re.sub(r"[\r\n\t]+", " ", text or "")
        text = text.translate(self._table)
        return re.sub(r" {2,}", " ", text).strip()

    def format(self, sample: Sample) -> str:
        """The input line for one sample (``sample.text`` wins when set)."""
        if sample.text:
            line = re.sub(r"\s+", " ", sample.text).strip()
        else:
            parts = []
            for name, attr in self.fields:
                value = self.clean(getattr(sample, attr, ""))
                if value:
                    parts.append(f"{name}: {value}")
            line = self.separator.join(parts)
        if self.max_chars is not None:
            line = line[: self.max_chars]
        return line


def sanitise_sample(sample: Sample) -> Sample:
    """``sample`` with every field sanitised and cut at :data:`MAX_TEXT_CHARS`; the
    counts land in ``replaced`` and ``cut`` (the ingest report sums them)."""
    values = [getattr(sample, name) for name in FIELDS]
    joined = "".join(values)  # the common case, a clean sample, in one regex search
    if not _INVALID.search(joined) and (len(joined) <= MAX_TEXT_CHARS or max(map(len, values)) <= MAX_TEXT_CHARS):
        return sample
    changes: dict[str, str] = {}
    replaced = cut = 0
    for name in FIELDS:
        value = getattr(sample, name)
        clean, n = sanitise(value)
        clean, was_cut = cap(clean, what=f"{sample.gsm or 'a sample'}'s {name}")
        if n or was_cut:
            changes[name] = clean
        replaced, cut = replaced + n, cut + was_cut
    if not changes:
        return sample
    return replace(sample, **changes, replaced=sample.replaced + replaced, cut=sample.cut + cut)


PAPER_FORMAT = TextFormat()


def format_sample(sample: Sample, fmt: TextFormat = PAPER_FORMAT) -> str:
    """Format one sample with the paper's rules (see :class:`TextFormat`)."""
    return fmt.format(sample)
