"""Regenerate the small reader fixtures in this folder: ``python make_fixtures.py``.

Hand-written GEO-shaped files (not copies of real records), plus broken ones.
Deterministic: the same bytes every run (gzip mtime fixed, seeded numbers).
"""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
from pathlib import Path

HERE = Path(__file__).parent
rng = random.Random(0)


def table(n_rows: int) -> str:
    rows = [f"PROBE_{i}\t{rng.uniform(0, 1e4):.3f}\t{rng.choice('PAM')}" for i in range(n_rows)]
    return "ID_REF\tVALUE\tABS_CALL\n" + "\n".join(rows) + "\n"


def family(n_rows: int) -> bytes:
    parts = [
        "^DATABASE = GeoMiame\n!Database_name = Gene Expression Omnibus (GEO)\n",
        "^SERIES = GSE9001\n!Series_title = Toy series\n!Series_sample_id = GSM90001\n",
        "^PLATFORM = GPL9001\n!Platform_title = Toy array\n!platform_table_begin\n"
        "ID\tGENE\nPROBE_0\tTP53\n!platform_table_end\n",
    ]
    samples = [
        ("GSM90001", "HeLa control rep1", ["cell line: HeLa", "treatment: none"], "HeLa cells"),
        ("GSM90002", "HeLa IFN 6h rep1", ["cell line: HeLa", "treatment: IFN-γ 6h"], "HeLa cells"),
        ("GSM90003", "Liver 10 \u00b5g rep1", ["tissue: liver", "", "age: 3 weeks"], "liver"),
    ]
    for gsm, title, chars, source in samples:
        lines = [f"^SAMPLE = {gsm}", f"!Sample_title = {title}", f"!Sample_geo_accession = {gsm}"]
        lines += [f"!Sample_source_name_ch1 = {source}", "!Sample_organism_ch1 = Homo sapiens"]
        lines += [f"!Sample_characteristics_ch1 = {c}" for c in chars]
        lines += ["!Sample_description = First line.", "!Sample_description = Second line."]
        lines += ["!Sample_platform_id = GPL9001", "!Sample_series_id = GSE9001"]
        lines += ["#ID_REF = ", "#VALUE = signal", "!sample_table_begin"]
        parts.append("\n".join(lines) + "\n" + table(n_rows) + "!sample_table_end\n")
    text = "".join(parts)
    # the third sample's title holds a latin-1 byte, as old GEO records do
    return text.replace("Liver 10 \u00b5g", "LIVER_MU").encode("utf-8").replace(
        b"LIVER_MU", "Liver 10 \u00b5g".encode("latin-1")
    )


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def main() -> None:
    (HERE / "family.soft").write_bytes(family(4))
    (HERE / "family.soft.gz").write_bytes(gz(family(4)))
    big = gz(family(400))
    (HERE / "truncated.soft.gz").write_bytes(big[: int(len(big) * 0.8)])
    (HERE / "not_gzip.soft.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(rng.randrange(256) for _ in range(200)))
    (HERE / "garbage.soft").write_bytes(bytes(rng.randrange(256) for _ in range(600)))
    (HERE / "empty.soft").write_bytes(b"")
    (HERE / "platform_only.soft").write_text(
        "^PLATFORM = GPL9001\n!Platform_title = Toy array\n!platform_table_begin\nID\n1\n!platform_table_end\n"
    )
    (HERE / "gsm_old.txt").write_text(  # old single-sample record: no table markers
        "^SAMPLE=GSM645\r\n!Sample_title = Large Pre-BII cells 8b\r\n!Sample_organism = Mus musculus\r\n"
        "!Sample_target_source = Large Pre-BII cells\r\n!Sample_description = sorted B220+ cells\r\n"
        "!Sample_platform_id = GPL22\r\n!Sample_series_id = GSE13\r\n#ID_REF = probe\r\n"
        "ID_REF\tVALUE\r\nIL2_at\t-78\r\n!weird = row that looks like a header\r\n"
    )
    (HERE / "gds.soft").write_text(
        "^DATABASE = Geo\n^DATASET = GDS9001\n!dataset_platform = GPL9001\n"
        "!dataset_sample_organism = Homo sapiens\n!dataset_sample_count = 3\n"
        "!dataset_reference_series = GSE9001\n"
        "^SUBSET = GDS9001_1\n!subset_description = control\n!subset_sample_id = GSM90001\n!subset_type = agent\n"
        "^SUBSET = GDS9001_2\n!subset_description = interferon\n!subset_sample_id = GSM90002,GSM90003\n"
        "!subset_type = agent\n"
        "^SUBSET = GDS9001_3\n!subset_description = 6 h\n!subset_sample_id = GSM90002\n!subset_type = time\n"
        "^DATASET = GDS9001\n#ID_REF = \n#IDENTIFIER = \n"
        "#GSM90001 = Value for GSM90001: HeLa control; src: HeLa cells\n"
        "#GSM90002 = Value for GSM90002: HeLa IFN 6h; src: HeLa cells\n"
        "!dataset_table_begin\nID_REF\tIDENTIFIER\tGSM90001\tGSM90002\tGSM90003\n"
        "P1\tTP53\t1.0\t2.0\t3.0\n!dataset_table_end\n"
    )
    matrix = (
        '!Series_title\t"Toy series"\n!Series_geo_accession\t"GSE9001"\n\n'
        '!Sample_title\t"HeLa control"\t"HeLa IFN"\t"Liver"\n'
        '!Sample_geo_accession\t"GSM90001"\t"GSM90002"\t"GSM90003"\n'
        '!Sample_source_name_ch1\t"HeLa cells"\t"HeLa cells"\t"liver"\n'
        '!Sample_organism_ch1\t"Homo sapiens"\t"Homo sapiens"\t"Homo sapiens"\n'
        '!Sample_characteristics_ch1\t"cell line: HeLa"\t"cell line: HeLa"\t"tissue: liver"\n'
        '!Sample_characteristics_ch1\t"treatment: none"\t"treatment: IFN, 6h"\t""\n'
        '!Sample_description\t"d1"\t"d2"\t"d3"\n'
        '!Sample_platform_id\t"GPL9001"\t"GPL9001"\t"GPL9001"\n'
        '!series_matrix_table_begin\n"ID_REF"\t"GSM90001"\t"GSM90002"\t"GSM90003"\n'
        '"P1"\t1\t2\t3\n!series_matrix_table_end\n'
    )
    (HERE / "GSE9001_series_matrix.txt.gz").write_bytes(gz(matrix.encode()))
    sample_xml = """  <Sample iid="{gsm}">
    <Title>{title}</Title>
    <Accession database="GEO">{gsm}</Accession>
    <Channel-Count>1</Channel-Count>
    <Channel position="1">
      <Source>{source}</Source>
      <Organism taxid="9606">Homo sapiens</Organism>
      <Characteristics tag="cell line">
HeLa
      </Characteristics>
      <Characteristics>
untagged note
      </Characteristics>
    </Channel>
    <Description>
{desc}
    </Description>
    <Platform-Ref ref="GPL9001" />
    <Data-Table><Internal-Data rows="2">P1 1.0
P2 2.0</Internal-Data></Data-Table>
  </Sample>
"""
    miniml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<MINiML xmlns="http://www.ncbi.nlm.nih.gov/geo/info/MINiML" version="0.5.0">\n'
        '  <Platform iid="GPL9001"><Accession database="GEO">GPL9001</Accession></Platform>\n'
        + sample_xml.format(gsm="GSM90001", title="HeLa control", source="HeLa cells", desc="first")
        + sample_xml.format(gsm="GSM90002", title="HeLa IFN MU", source="HeLa cells", desc="second")
        + '  <Series iid="GSE9001"><Accession database="GEO">GSE9001</Accession>\n'
        '    <Sample-Ref ref="GSM90001" /><Sample-Ref ref="GSM90002" /></Series>\n</MINiML>\n'
    )
    # declared UTF-8, holds a latin-1 byte: real MINiML files do this
    data = miniml.encode("utf-8").replace(b"MU", "\u00b5g".encode("latin-1"))
    (HERE / "GSE9001_family.xml").write_bytes(data)
    (HERE / "malformed.xml").write_bytes(data[: len(data) // 2] + b"<Title>oops</Sample>\n")
    (HERE / "not_miniml.xml").write_text('<?xml version="1.0"?>\n<html><body>404</body></html>\n')
    for name, schema, rows in (
        (
            "geometadb.sqlite",
            "CREATE TABLE gsm (ID INTEGER PRIMARY KEY, title TEXT, gsm TEXT, series_id TEXT, "
            "gpl TEXT, source_name_ch1 TEXT, characteristics_ch1 TEXT, description TEXT)",
            [
                ("HeLa control", "GSM90001", "GSE9001", "GPL9001", "HeLa cells",
                 "cell line: HeLa;\ttreatment: none", None),
                ("HeLa IFN", "GSM90002", "GSE9001", "GPL9001", None, "cell line: HeLa", "d2"),
            ],
        ),
        ("no_gsm_table.sqlite", "CREATE TABLE gse (gse TEXT, title TEXT)", [("GSE1", "x")]),
    ):  # fmt: skip
        path = HERE / name
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path)
        con.execute(schema)
        marks = ",".join("?" * len(rows[0]))
        cols = "title, gsm, series_id, gpl, source_name_ch1, characteristics_ch1, description"
        into = f"gsm ({cols})" if name == "geometadb.sqlite" else "gse"
        con.executemany(f"INSERT INTO {into} VALUES ({marks})", rows)
        con.commit()
        con.close()
    (HERE / "geometadb.sqlite.gz").write_bytes(gz((HERE / "geometadb.sqlite").read_bytes()))
    (HERE / "pairs.csv").write_text(
        "gsm,input,output\nGSM1,\"Title: HeLa ChIP - Characteristics: cell line: HeLa\","
        "Cell Line: HeLa\nGSM2,Title: liver RNA,Cell Line: None\n"
    )
    (HERE / "fields.tsv").write_text(
        "GSM\tTitle\tcharacteristics_ch1\tsource_name_ch1\tgpl\n"
        "GSM90001\tHeLa control\tcell line: HeLa; treatment: none\tHeLa cells\tGPL9001\n"
        "GSM90002\tHeLa IFN\tcell line: HeLa\tHeLa cells\tGPL9001\n"
    )
    (HERE / "samples.jsonl").write_text(
        json.dumps({"gsm": "GSM90001", "title": "HeLa control", "characteristics": ["a: 1", "b: 2"]})
        + "\n\n"
        + json.dumps({"gsm": "GSM90002", "input": "Title: HeLa IFN", "extra": 3})
        + "\n"
    )
    (HERE / "bad.jsonl").write_text(json.dumps({"gsm": "GSM1", "title": "ok"}) + "\n{not json\n")
    (HERE / "wrong_columns.csv").write_text("a,b,c\n1,2,3\n")


if __name__ == "__main__":
    main()
