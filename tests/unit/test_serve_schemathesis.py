"""Property tests of the HTTP API: schemathesis generates requests from /openapi.json
(valid and invalid ones) and checks that no answer is a 5xx and that every answer
matches the documented status codes and response schemas. Few examples, so it stays fast.

The operations are driven from a plain test with hypothesis (schemathesis' pytest
plugin does not run under pytest 9 yet).
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("duckdb")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402
from serve_support import make_store_db, open_store, tiny_translator  # noqa: E402

from geoscribe.serve import Limits, create_app  # noqa: E402

OPERATIONS = ["POST /translate", "GET /samples", "GET /facets", "GET /health", "GET /info"]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    store = open_store(make_store_db(tmp_path_factory.mktemp("fuzz") / "store.duckdb"))
    # a small batch limit so that generated batches hit it too
    app = create_app(db=store, models={"cistrome": tiny_translator()}, limits=Limits(max_batch=8))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    store.close()


def test_serve_openapi_lists_every_operation(api_schema):
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == set(OPERATIONS)


CASES = [(op, GenerationMode.POSITIVE) for op in OPERATIONS] + [
    (op, GenerationMode.NEGATIVE) for op in OPERATIONS[:3]  # /health and /info take no input
]


@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{m.value}-{op}" for op, m in CASES])
def test_serve_api_conforms_to_its_openapi_document(api_schema, label, mode):
    operation = api_schema.find_operation_by_label(label)
    strategy = operation.as_strategy(generation_mode=mode)
    calls = []

    @given(data=st.data())
    @settings(max_examples=12, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def run(data):
        case = data.draw(strategy)
        # schema-valid bodies may still exceed the limits (batch size, text length, a set
        # without a model): those answer 422 with a message, which the document declares.
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        calls.append(response.status_code)

    run()
    assert calls and all(code < 500 for code in calls)
