"""The service under abuse (issue 22 item 7): malformed JSON, a translation burst, half-open
connections, slow bodies, a port in use, ``--port 0``, server paths, and /docs offline."""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")
from fastapi.testclient import TestClient  # noqa: E402
from serve_support import make_store_db, open_store, tiny_translator  # noqa: E402
from test_pipeline import SOURCE, make_tiny_model  # noqa: E402

import geoscribe.serve._docs as docs  # noqa: E402
from geoscribe.errors import InputError  # noqa: E402
from geoscribe.pipeline import ingest  # noqa: E402
from geoscribe.serve import Limits, create_app  # noqa: E402
from geoscribe.serve._run import make_server  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(make_store_db(tmp_path_factory.mktemp("harden") / "store.duckdb"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(db=store, models={"cistrome": tiny_translator()}))


@pytest.mark.parametrize("body", [b'{"text": "K562', b"not json", b'{"text": "a",}'])
def test_malformed_json_is_400_with_one_line(client, body):
    resp = client.post("/translate", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("the body is not valid JSON")


def test_well_formed_json_of_the_wrong_shape_stays_422(client):
    assert client.post("/translate", json={"text": 3}).status_code == 422


class BlockingModel:
    """Stands in for a model: each translate waits until the test lets it go."""

    def __init__(self, model) -> None:
        self.model, self.release, self.running = model, threading.Event(), threading.Semaphore(0)

    def translate(self, texts, **kwargs):
        self.running.release()
        assert self.release.wait(20)
        return self.model.translate(texts, **kwargs)


def test_a_full_translation_queue_is_503_and_search_stays_fast(store):
    app = create_app(db=store, models={"cistrome": tiny_translator()}, limits=Limits(translate_queue=2))
    blocking = BlockingModel(app.state.service.models["cistrome"])
    app.state.service.models["cistrome"] = blocking
    with TestClient(app) as client:
        results: list[int] = []
        workers = [threading.Thread(target=lambda: results.append(
            client.post("/translate", json={"text": "K562 cells CTCF"}).status_code)) for _ in range(2)]
        for w in workers:
            w.start()
        assert blocking.running.acquire(timeout=10)  # one runs, the other waits on the model lock
        deadline = time.monotonic() + 10
        while app.state.service.translate_slots._value > 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        full = client.post("/translate", json={"text": "HeLa cells"})
        assert full.status_code == 503 and full.headers["Retry-After"] == "2"
        assert "queue is full" in full.json()["detail"]
        start = time.perf_counter()
        assert client.get("/samples", params={"limit": 5}).status_code == 200
        assert time.perf_counter() - start < 1.0
        blocking.release.set()
        for w in workers:
            w.join(20)
        assert results == [200, 200]
        assert client.post("/translate", json={"text": "HeLa cells"}).status_code == 200  # slots given back


def test_info_shows_the_queue_and_body_time_limits(client):
    limits = client.get("/info").json()["limits"]
    assert limits["translate_queue"] == 4 and limits["body_timeout_s"] == 30


def test_no_server_paths_in_responses(tmp_path):
    db = tmp_path / "deep" / "where" / "ingest.duckdb"
    db.parent.mkdir(parents=True)
    ingest(SOURCE, db, model=make_tiny_model(tmp_path / "model"), progress=False)
    with TestClient(create_app(db=db, models={})) as client:
        resp = client.get("/samples", params={"limit": 100})
        assert resp.status_code == 200
        rows = resp.json()["samples"]
        assert rows and all(r["source_file"] and "/" not in r["source_file"] for r in rows)
        assert str(SOURCE) not in resp.text and str(tmp_path) not in resp.text
        wrong = client.get("/samples", params={"schema": "encode"})
        assert wrong.status_code == 422 and "ingest.duckdb" in wrong.json()["detail"]
        assert str(tmp_path) not in wrong.text


def test_api_docs_load_nothing_from_other_hosts(client):
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert urls and not [u for u in urls if "//" in u]
    assert not re.search(r"https?://", page.text.replace("http://www.w3.org", ""))
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN


def test_api_docs_without_the_swagger_bundle_are_a_plain_page(store, monkeypatch):
    monkeypatch.setattr(docs, "swagger_ui_dir", lambda: None)
    page = TestClient(create_app(db=store, models={})).get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text and "/samples" in page.text
    assert "http" not in page.text


# -- the real server: sockets and timeouts ------------------------------------------


@pytest.fixture
def running(store):
    """Start a real server on a free port; yields (url, server)."""
    started: list[str] = []
    servers = []

    def start(**kwargs):
        app = create_app(db=store, models={}, limits=Limits(body_timeout_s=1))
        server, sock = make_server(app, port=0, on_ready=started.append, **kwargs)
        servers.append(server)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert started, "the server did not start"
        return started[-1], server, thread

    yield start
    for server in servers:
        server.should_exit = True


def _connect(url: str) -> socket.socket:
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()
    return socket.create_connection((host, int(port)), timeout=10)


def test_port_zero_reports_the_real_port(running):
    url, _, _ = running()
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert port != 0
    with _connect(url) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert conn.recv(100).startswith(b"HTTP/1.1 200")


def test_a_port_in_use_is_one_error_before_the_open_line(store):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    ready: list[str] = []
    try:
        with pytest.raises(InputError, match=r"Port \d+ on 127.0.0.1 is in use"):
            make_server(create_app(db=store, models={}), port=busy.getsockname()[1], on_ready=ready.append)
    finally:
        busy.close()
    assert ready == []


def test_a_half_open_connection_is_closed_after_the_header_timeout(running):
    url, _, _ = running(header_timeout=0.5)
    with _connect(url) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # the head never ends
        start = time.monotonic()
        assert conn.recv(100) == b""  # closed by the server
        assert time.monotonic() - start < 5


def test_a_body_that_does_not_arrive_in_time_is_408(running):
    url, _, _ = running()
    with _connect(url) as conn:
        conn.sendall(b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"text\": ")
        answer = b""
        while b"not received" not in answer:  # the headers and the body may come in two segments
            chunk = conn.recv(1000)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") and b"not received within 1 s" in answer


def test_serve_cli_port_in_use_is_one_error_line_and_no_open_line(tmp_path):
    from typer.testing import CliRunner

    from geoscribe.cli import app

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        result = CliRunner().invoke(app, ["serve", "--model", f"cistrome={make_tiny_model(tmp_path / 'm')}",
                                          "--no-ontology", "--port", str(busy.getsockname()[1])])
    finally:
        busy.close()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1].startswith("Error: Port ")
    assert "Open http" not in result.output
