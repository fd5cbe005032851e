"""The readers fill what GEO says a sample is (type, library strategy, molecule)."""

from __future__ import annotations

import gzip
import sqlite3

from geoscribe.io.geo_soft import read_series_matrix, read_soft
from geoscribe.io.geometadb import read_geometadb
from geoscribe.io.metasra import read_metasra
from geoscribe.io.miniml import read_miniml

SOFT = """^SAMPLE = GSM1
!Sample_title = A375 rep1
!Sample_type = SRA
!Sample_characteristics_ch1 = cell line: A375
!Sample_molecule_ch1 = total RNA
!Sample_library_strategy = RNA-Seq
!Sample_organism_ch1 = Homo sapiens
!Sample_platform_id = GPL16791
"""

MATRIX = """!Sample_title\t"a"\t"b"
!Sample_geo_accession\t"GSM1"\t"GSM2"
!Sample_type\t"RNA"\t"RNA"
!Sample_molecule_ch1\t"total RNA"\t"total RNA"
!Sample_platform_id\t"GPL6244"\t"GPL6244"
!series_matrix_table_begin
"""

MINIML = """<?xml version="1.0" encoding="UTF-8"?>
<MINiML xmlns="http://www.ncbi.nlm.nih.gov/geo/info/MINiML">
<Sample iid="GSM9"><Title>H3K27ac ChIP</Title><Type>SRA</Type>
<Channel position="1"><Source>K562</Source><Organism taxid="9606">Homo sapiens</Organism>
<Characteristics tag="chip antibody">H3K27ac</Characteristics><Molecule>genomic DNA</Molecule></Channel>
<Platform-Ref ref="GPL11154"/><Library-Strategy>ChIP-Seq</Library-Strategy></Sample>
</MINiML>
"""


def test_soft_and_matrix_fill_sample_type(tmp_path):
    (tmp_path / "a.soft").write_text(SOFT)
    (s,) = read_soft(tmp_path / "a.soft")
    assert (s.sample_type, s.library_strategy, s.molecule) == ("SRA", "RNA-Seq", "total RNA")
    assert (s.organism, s.platform) == ("Homo sapiens", "GPL16791")
    (tmp_path / "m.txt").write_text(MATRIX)
    a, b = read_series_matrix(tmp_path / "m.txt")
    assert (b.gsm, b.sample_type, b.molecule, b.platform) == ("GSM2", "RNA", "total RNA", "GPL6244")
    assert a.library_strategy == ""


def test_miniml_fills_type_strategy_molecule(tmp_path):
    (tmp_path / "f.xml").write_text(MINIML)
    (s,) = read_miniml(tmp_path / "f.xml")
    assert (s.sample_type, s.library_strategy, s.molecule) == ("SRA", "ChIP-Seq", "genomic DNA")
    assert (s.organism, s.platform) == ("Homo sapiens", "GPL11154")


def test_geometadb_and_metasra_read_type(tmp_path):
    db = tmp_path / "g.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE gsm (gsm TEXT, title TEXT, gpl TEXT, type TEXT, characteristics_ch1 TEXT)")
    con.execute("INSERT INTO gsm VALUES ('GSM5', 't', 'GPL570', 'RNA', 'age: 41')")
    con.commit()
    con.close()
    (s,) = read_geometadb(db)
    assert (s.gsm, s.platform, s.sample_type, s.characteristics) == ("GSM5", "GPL570", "RNA", "age: 41")
    doc = '{"GPL96": [{"GSM7": [{"title": "x"}, {"type": "genomic"}, {"characteristics_ch1": "sex: F"}]}]}'
    with gzip.open(tmp_path / "96.json", "wt") as fh:
        fh.write(doc)
    (m,) = read_metasra(tmp_path / "96.json")
    assert (m.gsm, m.platform, m.sample_type) == ("GSM7", "GPL96", "genomic")
