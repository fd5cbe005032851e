"""Property-based fuzz (hypothesis) of the boundary: the readers, ``schema.parse`` and
``text.format_sample`` (issue 22, "abuse and fault tests"). Arbitrary bytes or text
never raise anything but geoscribe's own error classes (one clear message), and what
comes out is clean text. The HTTP API is fuzzed by tests/unit/test_serve_schemathesis.py."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from geoscribe.errors import GeoscribeError, ParseError  # noqa: E402
from geoscribe.io import read_samples  # noqa: E402
from geoscribe.schema import SCHEMAS, Record, parse  # noqa: E402
from geoscribe.text import FIELDS, MAX_TEXT_CHARS, Sample, format_sample, sanitise  # noqa: E402

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Heads that get a fuzzed body past format sniffing into each reader's own parsing.
HEADS = {
    "soft": [b"^SAMPLE = GSM1\n!Sample_title = ", b"^SERIES = GSE1\n!Series_title = x\n^SAMPLE = GSM1\n", b"^"],
    "matrix": [b'!Sample_geo_accession\t"GSM1"\t"GSM2"\n!Sample_title\t', b"!Series_title\t\"x\"\n!Sample_"],
    "miniml": [b'<?xml version="1.0"?>\n<MINiML xmlns="http://www.ncbi.nlm.nih.gov/geo/info/MINiML">'
               b'<Sample iid="GSM1"><Title>', b"<MINiML><Sample iid=\"GSM1\">"],
    "csv": [b"gsm,input\nGSM1,", b"gsm,title,characteristics\n", b"input\n\""],
    "tsv": [b"gsm\tinput\nGSM1\t", b"title\tdescription\n"],
    "jsonl": [b'{"gsm": "GSM1", "input": "', b'{"title": ', b"{"],
}
FORMATS = sorted(HEADS)

# Fuzzed bodies: raw bytes, and text with the characters that trip parsers and tokenizers
# (lone surrogates as UTF-8-ish bytes, NUL, quotes, tabs, XML and SOFT markers).
TRICKY = st.sampled_from(["\x00", "\ud800", "\udfff", "\"", "\t", "\n", "\r", "<", ">", "&", "^", "!", "=", ",",
                          "{", "}", "\\u0000", "\\ud800", "\ufeff", "\xb5", "K562", " - ", "Title: "])
TEXT_BODY = st.lists(st.one_of(TRICKY, st.text(max_size=20)), max_size=30).map("".join)
BODY = st.one_of(st.binary(max_size=400), TEXT_BODY.map(lambda t: t.encode("utf-8", "surrogatepass")))


def _read_all(path: Path, fmt: str | None) -> list[Sample]:
    try:
        return list(read_samples(path, format=fmt))
    except GeoscribeError as exc:
        assert str(exc) and "\n" not in str(exc).strip(), repr(exc)  # one clear line
        return []


def _check(samples: list[Sample]) -> None:
    for s in samples:
        for name in FIELDS:
            value = getattr(s, name)
            assert isinstance(value, str) and sanitise(value)[1] == 0 and len(value) <= MAX_TEXT_CHARS
        line = format_sample(s)
        line.encode("utf-8")  # no lone surrogate survives into the model's input


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="geoscribe-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_readers_raise_only_geoscribe_errors(fmt, workdir):
    suffix = {"soft": ".soft", "matrix": "_series_matrix.txt", "miniml": ".xml",
              "csv": ".csv", "tsv": ".tsv", "jsonl": ".jsonl"}[fmt]

    @FUZZ
    @given(head=st.sampled_from(HEADS[fmt]), body=BODY, gz=st.booleans(), cut=st.integers(0, 40))
    def check(head, body, gz, cut):
        data = head + body
        path = workdir / f"f{suffix}{'.gz' if gz else ''}"
        if gz:
            data = gzip.compress(data)
            data = data[: len(data) - cut]  # truncated gzip streams too
        path.write_bytes(data)
        _check(_read_all(path, fmt))  # the format as given
        _check(_read_all(path, None))  # and sniffed

    check()


@FUZZ
@given(text=st.one_of(st.text(max_size=200), TEXT_BODY), name=st.sampled_from(sorted(SCHEMAS)),
       strict=st.booleans())
def test_schema_parse_raises_only_parse_errors(text, name, strict):
    try:
        record = parse(text, name, strict=strict)
    except ParseError as exc:
        assert str(exc)
        return
    assert isinstance(record, Record) and list(record.values) == list(SCHEMAS[name].attributes)


@FUZZ
@given(values=st.lists(st.text(alphabet=st.characters(blacklist_characters="-:", blacklist_categories=["Cs"]),
                               min_size=1, max_size=12).map(str.strip).filter(bool), min_size=4, max_size=4))
def test_schema_parse_reads_back_what_render_writes(values):
    schema = SCHEMAS["cistrome"]
    record = Record(schema, dict(zip(schema.attributes, values)))
    assert parse(record.render(), schema).values == record.values


@FUZZ
@given(fields=st.fixed_dictionaries({name: st.one_of(st.text(max_size=60), TEXT_BODY) for name in FIELDS}))
def test_format_sample_gives_one_clean_line(fields):
    line = format_sample(Sample(**fields))
    assert isinstance(line, str) and "\n" not in line and "\t" not in line and line == line.strip()
    assert "  " not in line


def test_series_matrix_with_a_bare_carriage_return_is_an_input_error(tmp_path):
    """Found by the fuzz above: csv.Error ("new-line character seen in unquoted field") escaped."""
    path = tmp_path / "GSE1_series_matrix.txt"
    path.write_bytes(b'!Sample_geo_accession\t"GSM1"\n!Sample_title\tK562\rCTCF\n')
    with pytest.raises(GeoscribeError, match="malformed line"):
        list(read_samples(path))
