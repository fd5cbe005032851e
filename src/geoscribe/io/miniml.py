"""Reader for GEO's MINiML XML (``GSE*_family.xml``), streamed and namespace-agnostic.

Each ``<Sample>`` element is turned into a :class:`~geoscribe.text.Sample` when it
closes and then cleared, so inline data tables never pile up. MINiML lists a
series' samples in the ``<Series>`` element that comes *after* them, so the
small Sample records (not the XML) are held until the end of the document to fill
in their series. Lines are decoded as UTF-8 with a latin-1 fallback before they
reach the parser, because real files declare UTF-8 and hold latin-1 bytes.

Field mapping: ``Accession`` (else ``iid``) -> gsm, ``Title``, channel 1's
``Characteristics`` (``tag: value``, joined by "; "), ``Source`` and ``Organism``,
the sample's ``Description``, ``Platform-Ref``, ``Type``, ``Library-Strategy``,
channel 1's ``Molecule``, and the ``Series`` that lists it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, XMLPullParser

from ..errors import InputError
from ..text import Sample
from ._common import decode, guarded, has_text, open_binary, sample_or_none


def read_miniml(path: str | Path) -> Iterator[Sample]:
    """Samples of a MINiML XML file.

    Raises
    ------
    InputError
        Malformed or truncated XML (with the number of samples read before), no
        ``<Sample>`` at all, or only sample stubs without any text.
    """
    path = Path(path)
    return guarded(path, _miniml_samples(path), what="MINiML file")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: Element | None) -> str:
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: Element, name: str) -> Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _sample(el: Element) -> Sample:
    channels = sorted(_children(el, "Channel"), key=lambda c: c.get("position", "1"))
    channel = channels[0] if channels else None
    chars: list[str] = []
    source = organism = molecule = ""
    if channel is not None:
        for c in _children(channel, "Characteristics"):
            value, tag = _text(c), (c.get("tag") or "").strip()
            if value:
                chars.append(f"{tag}: {value}" if tag else value)
        source = _text(_child(channel, "Source"))
        organism = ", ".join(dict.fromkeys(_text(o) for o in _children(channel, "Organism")))
        molecule = _text(_child(channel, "Molecule"))
    platform = _child(el, "Platform-Ref")
    return sample_or_none(
        gsm=_text(_child(el, "Accession")) or el.get("iid"),
        title=_text(_child(el, "Title")),
        characteristics="; ".join(chars),
        description=_text(_child(el, "Description")),
        source_name=source,
        organism=organism,
        platform=platform.get("ref") if platform is not None else "",
        sample_type=_text(_child(el, "Type")),
        library_strategy=_text(_child(el, "Library-Strategy")),
        molecule=molecule,
    )


def _miniml_samples(path: Path) -> Iterator[Sample]:
    parser = XMLPullParser(events=("start", "end"))
    samples: list[Sample] = []
    series_of: dict[str, list[str]] = {}
    root: Element | None = None
    depth = 0
    seen_root = False
    with open_binary(path) as fh:
        for raw in fh:
            parser.feed(decode(raw))
            for event, el in parser.read_events():
                name = _local(el.tag)
                if event == "start":
                    depth += 1
                    if root is None:
                        root, seen_root = el, True
                        if name != "MINiML":
                            raise InputError(
                                f"{path}: XML but not MINiML (root element <{name}>)"
                            )
                    continue
                depth -= 1
                if depth != 1:  # only the root's children matter; keep nested parts
                    if name in ("Internal-Data", "Data-Table"):
                        el.clear()
                    continue
                if name == "Sample":
                    samples.append(_sample(el))
                elif name == "Series":
                    acc = _text(_child(el, "Accession")) or el.get("iid", "")
                    for ref in _children(el, "Sample-Ref"):
                        series_of.setdefault(ref.get("ref", ""), []).append(acc)
                root.remove(el)  # type: ignore[union-attr]  # free it: depth 1 = root child
    parser.close()  # raises ParseError on a truncated document
    if not seen_root:
        raise InputError(f"{path}: no XML elements; not a MINiML file")
    if samples and not any(has_text(s) for s in samples):
        raise InputError(
            f"{path}: {len(samples)} sample stubs without title, characteristics or "
            "description; download the full MINiML family file"
        )
    for s in samples:
        series = ",".join(dict.fromkeys(series_of.get(s.gsm, [])))
        yield dataclasses.replace(s, series=series) if series else s
