"""The MetaSRA per-platform sample files: both JSON shapes, title keys, empty
platforms, gzip, sniffing in a folder, and one-line errors for damage."""

from __future__ import annotations

import gzip
import json

import pytest

from geoscribe.errors import InputError
from geoscribe.io import detect_format, read_metasra, read_samples
from geoscribe.io.metasra import looks_like_metasra

DOC = {
    "GPL570": [
        {"GSM1": [{"title": "MCF7 rep1"}, {"type": "RNA"}, {"source_name_ch1": "breast cancer cells"},
                  {"characteristics_ch1": "cell line: MCF7;\ttreatment: E2"}]},
        {"HeLa control": [{"gsm": "GSM2"}, {"title": "HeLa control"}, {"characteristics_ch1": "cell line: HeLa"}]},
    ],
    "A-AFFY-44": [{"GSM3": [{"title": "liver"}]}],
}


def _write(path, doc, *, wrap=False, gz=False):
    text = json.dumps(json.dumps(doc) if wrap else doc)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("wrap", [False, True], ids=["object", "json-string"])
def test_fields_ids_and_platforms(tmp_path, wrap):
    samples = list(read_metasra(_write(tmp_path / "1.json", DOC, wrap=wrap)))
    assert [(s.gsm, s.platform, s.title) for s in samples] == [
        ("GSM1", "GPL570", "MCF7 rep1"), ("GSM2", "GPL570", "HeLa control"), ("GSM3", "A-AFFY-44", "liver")]
    first = samples[0]
    assert first.source_name == "breast cancer cells"
    assert first.characteristics == "cell line: MCF7; treatment: E2"  # GEOmetadb's ";\t" joiner normalised


def test_sniffed_plain_and_gzipped_in_a_folder(tmp_path):
    _write(tmp_path / "1.json", DOC)
    _write(tmp_path / "2.json.gz", {"GPL1": [{"GSM9": [{"title": "t"}]}]}, gz=True)
    _write(tmp_path / "3.json", {"GPL20635": []})  # an empty platform is not an error
    assert detect_format(tmp_path / "1.json") == "metasra"
    assert detect_format(tmp_path / "2.json.gz") == "metasra"
    assert [s.gsm for s in read_samples(tmp_path)] == ["GSM1", "GSM2", "GSM3", "GSM9"]
    assert list(read_samples(tmp_path / "3.json")) == []


def test_json_lines_are_not_taken_for_metasra(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"gsm": "GSM1", "title": "x", "tags": ["a"]}\n', encoding="utf-8")
    assert detect_format(p) == "jsonl"
    assert not looks_like_metasra('{"texts": ["a", "b"]}')
    assert looks_like_metasra('{"GPL96": [{"GSM1": [{"title": "x"}]}]}')


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"GPL1": [{"GSM1": [{"title": "x"}]}', "not valid JSON"),
        ('{"GPL1": {"GSM1": 1}}', "'GPL1' does not hold a list"),
        ('{"GPL1": [{"GSM1": "title"}]}', "sample 'GSM1' does not hold a list of fields"),
    ],
    ids=["truncated", "platform-not-list", "fields-not-list"],
)
def test_damage_is_one_line_error(tmp_path, content, message):
    p = tmp_path / "bad.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_metasra(p))
    assert message in str(err.value) and str(err.value).startswith(str(p)) and "\n" not in str(err.value)
