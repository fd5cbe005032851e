"""The HTTP API through FastAPI's test client, over a 40-sample DuckDB store and a tiny model."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")
from fastapi.testclient import TestClient  # noqa: E402
from serve_support import make_store_db, open_store, pairs, tiny_translator  # noqa: E402

from geoscribe.ontology import Match  # noqa: E402
from geoscribe.serve import Limits, create_app  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return tiny_translator()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(make_store_db(tmp_path_factory.mktemp("serve") / "store.duckdb"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store, model):
    return TestClient(create_app(db=store, models={"cistrome": model}))


def test_serve_health_and_info(client):
    assert client.get("/health").json()["status"] == "ok"
    info = client.get("/info").json()
    assert info["samples"] == 40
    cistrome = next(s for s in info["schemas"] if s["name"] == "cistrome")
    assert cistrome == {"name": "cistrome", "attributes": ["Cell Line", "Cell Type", "Tissue Type", "Factor"],
                        "in_database": True, "model": "seq2seq"}
    encode = next(s for s in info["schemas"] if s["name"] == "encode")
    assert encode["in_database"] is False and encode["model"] is None
    assert info["limits"]["max_batch"] == 64


def test_serve_translate_one_text_matches_the_model(client, model):
    text = pairs()[0][3]
    resp = client.post("/translate", json={"text": text})
    assert resp.status_code == 200
    body = resp.json()
    assert body["schema"] == "cistrome" and body["model"] == "seq2seq"
    [rec] = body["records"]
    expected = model.translate([text])[0]
    assert rec["input"] == text
    assert rec["values"] == expected.values
    assert rec["output"] == expected.render()
    assert set(rec["confidence"]) == {"Cell Line", "Cell Type", "Tissue Type", "Factor"}
    assert all(0.0 <= c <= 1.0 for c in rec["confidence"].values())


def test_serve_translate_batch_keeps_order(client, model):
    texts = pairs()[0][:7][::-1]
    records = client.post("/translate", json={"texts": texts, "schema": "CISTROME"}).json()["records"]
    assert [r["input"] for r in records] == texts
    assert [r["values"] for r in records] == [r.values for r in model.translate(texts)]


@pytest.mark.parametrize(("body", "message"), [
    ({"texts": ["a"] * 65}, "batch of 65 texts is over the limit of 64"),
    ({"texts": []}, "'texts' is empty"),
    ({"text": "a", "texts": ["b"]}, "give either 'text' or 'texts'"),
    ({}, "give either 'text' or 'texts'"),
    ({"text": "x" * 20_001}, "a text has 20001 characters, over the limit of 20000"),
    ({"text": "a", "schema": "gcm"}, "Unknown attribute set 'gcm'"),
    ({"text": "a", "schema": "encode"}, "no translation model for the encode set is loaded"),
    ({"text": 3}, "body.text: Input should be a valid string"),
    ({"text": "a", "colour": "red"}, "body.colour: Extra inputs are not permitted"),
])
def test_serve_translate_rejects_bad_requests_with_one_line(client, body, message):
    resp = client.post("/translate", json=body)
    assert resp.status_code == 422
    assert message in resp.json()["detail"]


def test_serve_body_limit_is_413_with_or_without_content_length(store, model):
    client = TestClient(create_app(db=store, models={"cistrome": model}, limits=Limits(max_body_bytes=2000)))
    resp = client.post("/translate", json={"texts": ["x" * 500] * 5})
    assert resp.status_code == 413
    assert "larger than 2000 bytes" in resp.json()["detail"]

    def chunks():  # streamed: no Content-Length header
        yield b'{"texts": ["'
        for _ in range(10):
            yield b"y" * 400
        yield b'"]}'

    resp = client.post("/translate", content=chunks(), headers={"content-type": "application/json"})
    assert resp.status_code == 413
    assert client.post("/translate", json={"text": "K562 cells"}).status_code == 200


def test_serve_samples_filters_are_case_insensitive(client):
    body = client.get("/samples", params={"filter": "cell line:k562"}).json()
    assert body["total"] == 5
    assert {r["values"]["Cell Line"] for r in body["samples"]} == {"K562"}
    row = body["samples"][0]
    assert row["url"] == f"https://www.ncbi.nlm.nih.gov/geo/query/acc.cgi?acc={row['gsm']}"
    assert row["terms"]["Cell Line"] == {"curie": "CVCL:0004", "label": "K-562"}
    both = client.get("/samples", params=[("filter", "Tissue Type:Liver"), ("filter", "Factor:CTCF")]).json()
    assert both["total"] == 2
    assert all(r["values"]["Factor"] == "CTCF" and r["values"]["Tissue Type"] == "Liver" for r in both["samples"])


def test_serve_samples_text_and_term(client):
    assert client.get("/samples", params={"text": "hepg2"}).json()["total"] == 5
    by_term = client.get("/samples", params={"term": "CL:0000182"}).json()
    assert by_term["total"] == 10  # HepG2 and primary hepatocytes
    assert {r["values"]["Cell Type"] for r in by_term["samples"]} == {"Hepatocyte"}
    assert client.get("/samples", params={"text": "no such sample"}).json()["total"] == 0


def test_serve_samples_pages_cover_all_rows_once(client):
    seen = []
    for offset in range(0, 40, 15):
        page = client.get("/samples", params={"offset": offset, "limit": 15}).json()
        assert page["total"] == 40 and page["offset"] == offset
        seen += [r["gsm"] for r in page["samples"]]
    assert len(seen) == 40 and len(set(seen)) == 40


@pytest.mark.parametrize(("params", "message"), [
    ({"filter": "Colour:red"}, "'Colour' is not an attribute of the cistrome set"),
    ({"filter": "Cell Line"}, "is not 'Attribute:value'"),
    ({"limit": 201}, "query.limit: Input should be less than or equal to 200"),
    ({"offset": -1}, "query.offset"),
    ({"schema": "nope"}, "Unknown attribute set 'nope'"),
])
def test_serve_samples_rejects_bad_queries(client, params, message):
    resp = client.get("/samples", params=params)
    assert resp.status_code == 422
    assert message in resp.json()["detail"]


def test_serve_facets_count_the_matching_samples(client):
    facets = client.get("/facets").json()["facets"]
    assert set(facets) == {"Cell Line", "Cell Type", "Tissue Type", "Factor"}
    assert sum(n["count"] for n in facets["Tissue Type"]) == 40
    assert facets["Cell Type"][0] == {"value": "Epithelium", "count": 15}  # most frequent first
    filtered = client.get("/facets", params={"filter": "Tissue Type:blood", "attribute": "cell type"}).json()
    assert list(filtered["facets"]) == ["Cell Type"]
    counts = {f["value"]: f["count"] for f in filtered["facets"]["Cell Type"]}
    assert counts == {"B Lymphocyte": 5, "Macrophage": 5}
    for value, n in counts.items():  # agrees with /samples
        params = [("filter", "Tissue Type:blood"), ("filter", f"Cell Type:{value}")]
        assert client.get("/samples", params=params).json()["total"] == n
    assert client.get("/facets", params={"attribute": "Colour"}).status_code == 422


class _FakeMapper:
    """Maps only Factor values, to check that translations carry terms when a mapper is given."""

    @staticmethod
    def ontologies_for(attribute):
        return ("TEST",) if attribute == "Factor" else ()

    def map(self, attribute, value, context=None):
        return Match(f"TEST:{len(value)}", value.lower(), "TEST", value, "exact", 1.0)


def test_serve_translate_adds_terms_from_the_mapper(store, model):
    client = TestClient(create_app(db=store, models={"cistrome": model}, mapper=_FakeMapper()))
    text = pairs()[0][0]
    rec = client.post("/translate", json={"text": text}).json()["records"][0]
    factor = model.translate([text])[0]["Factor"]
    if factor in ("", "None"):
        assert rec["terms"] == {}
    else:
        assert rec["terms"] == {"Factor": {"curie": f"TEST:{len(factor)}", "label": factor.lower()}}
    assert client.post("/translate", json={"text": text, "ontology": False}).json()["records"][0]["terms"] == {}


def test_serve_without_database_or_models(model):
    client = TestClient(create_app(db=None, models={}))
    assert client.get("/info").json()["samples"] is None
    resp = client.get("/samples")
    assert resp.status_code == 503 and "--db" in resp.json()["detail"]
    assert client.post("/translate", json={"text": "a"}).status_code == 422


def test_serve_concurrent_translations_agree_with_sequential(store, model):
    client = TestClient(create_app(db=store, models={"cistrome": model}, limits=Limits(translate_queue=8)))
    texts = pairs()[0]
    expected = [r.values for r in model.translate(texts)]
    results: dict[int, list] = {}

    def worker(i):
        batch = texts[i * 5:(i + 1) * 5]
        results[i] = [r["values"] for r in client.post("/translate", json={"texts": batch}).json()["records"]]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [v for i in range(8) for v in results[i]] == expected


def test_serve_page_and_openapi(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="translate-text"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "textContent" in js.text
    assert "innerHTML" not in js.text  # database values never become markup
    spec = client.get("/openapi.json").json()
    assert {"/translate", "/samples", "/facets", "/health", "/info"} <= set(spec["paths"])
    assert "/" not in spec["paths"]


def test_serve_old_filter_form_still_works_with_a_deprecation_header(client):
    new = client.get("/samples", params={"filter": "Factor:CTCF"})
    old = client.get("/samples", params={"filter": "Factor=CTCF"})
    assert old.status_code == 200 and old.json() == new.json()
    assert old.headers["Deprecation"] == "true" and "write 'Factor:CTCF'" in old.headers["Warning"]
    assert "Deprecation" not in new.headers


def test_serve_samples_carry_source_and_evidence(client):
    rows = client.get("/samples", params={"filter": "Cell Line:K562", "limit": 5}).json()["samples"]
    assert len(rows) == 5
    for row in rows:
        assert row["source"] == {"Cell Line": "stated", "Cell Type": "model", "Tissue Type": "known",
                                 "Factor": "copied"}
        for attr in ("Cell Line", "Factor"):  # stated and copied values: the span of the input they came from
            start, end = row["evidence"][attr]["span"]
            assert row["input"][start:end] == row["values"][attr] == row["evidence"][attr]["text"]
        assert row["evidence"]["Cell Line"]["key"] == "title" and row["evidence"]["Factor"]["key"] is None
        assert row["evidence"]["Tissue Type"]["basis"] == "training pairs" and "Cell Type" not in row["evidence"]
    unnamed = client.get("/samples", params={"filter": "Cell Line:None", "limit": 1}).json()["samples"][0]
    assert "Cell Line" not in unnamed["source"]  # a None value has no source
    assert unnamed["evidence"]["Cell Line"]["not_applicable"] == "no cell line named"


def _grounded_stub():
    """A translator that states the factor after 'antibody: ' with its span and marks the cell type
    not applicable: what the grounded hybrid returns, without its weight."""
    import re

    from geoscribe.schema import CISTROME, Record
    from geoscribe.translate.base import Translator

    class GroundedStub(Translator):
        kind = "grounded-stub"
        schema = "cistrome"

        def translate(self, texts, **kwargs):
            out = []
            for text in texts:
                m = re.search(r"antibody: (\S+)", text)
                values = {"Cell Line": "None", "Cell Type": "None", "Tissue Type": "unknown",
                          "Factor": m.group(1) if m else "None"}
                rec = Record(CISTROME, values, {a: 1.0 for a in values})
                if m:
                    rec.source["Factor"] = "stated"
                    rec.evidence["Factor"] = {"span": [m.start(1), m.end(1)], "text": m.group(1), "key": "antibody"}
                rec.evidence["Cell Type"] = {"not_applicable": "test", "extra": 1}
                out.append(rec)
            return out

    return GroundedStub()


def test_serve_translate_carries_source_and_evidence(store):
    client = TestClient(create_app(db=store, models={"cistrome": _grounded_stub()}))
    texts = [*pairs()[0][:3], "no antibody named here"]
    records = client.post("/translate", json={"texts": texts}).json()["records"]
    assert [r["input"] for r in records] == texts
    for rec in records[:3]:
        assert rec["source"] == {"Factor": "stated"}
        start, end = rec["evidence"]["Factor"]["span"]
        assert rec["input"][start:end] == rec["values"]["Factor"] == rec["evidence"]["Factor"]["text"] != "None"
        assert rec["evidence"]["Factor"]["key"] == "antibody"
    assert records[3]["source"] == {} and "Factor" not in records[3]["evidence"]
    assert all(r["evidence"]["Cell Type"] == {"span": None, "text": None, "key": None, "field": None, "basis": None,
                                              "not_applicable": "test", "extra": 1} for r in records)


def test_serve_translate_of_an_ungrounded_model_has_no_sources(client):
    rec = client.post("/translate", json={"text": pairs()[0][0]}).json()["records"][0]
    assert rec["source"] == {} and rec["evidence"] == {}


def test_serve_drops_malformed_sources_and_spans():
    from geoscribe.serve._routes import _evidence, _sources

    assert _sources({"Factor": "copied", "Cell Line": "guessed", "Tissue Type": None}) == {"Factor": "copied"}
    out = _evidence({"Factor": {"span": [1, "x"], "text": "CTCF"}, "Cell Line": {"span": [0, 4]},
                     "Cell Type": "not a dict", "Tissue Type": {}})
    assert set(out) == {"Factor", "Cell Line"}
    assert out["Factor"].span is None and out["Factor"].text == "CTCF" and out["Cell Line"].span == [0, 4]


def test_serve_openapi_describes_source_and_evidence(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("SampleRow", "TranslatedRecord"):
        props = schemas[model]["properties"]
        assert props["source"]["additionalProperties"]["enum"] == ["stated", "copied", "known", "model"]
        assert props["evidence"]["additionalProperties"] == {"$ref": "#/components/schemas/Evidence"}
    assert {"span", "text", "key", "field", "basis", "not_applicable"} <= set(schemas["Evidence"]["properties"])
