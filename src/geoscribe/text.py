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

import re
from dataclasses import dataclass, field, fields

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

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FIELDS}


#: the Sample fields in order; the export columns (io.tables) and the store's
#: sample columns (io.store) are derived from it, so a field added to Sample
#: flows through both.
FIELDS = tuple(f.name for f in fields(Sample))


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


PAPER_FORMAT = TextFormat()


def format_sample(sample: Sample, fmt: TextFormat = PAPER_FORMAT) -> str:
    """Format one sample with the paper's rules (see :class:`TextFormat`)."""
    return fmt.format(sample)
