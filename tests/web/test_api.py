"""The /api/v1 endpoints: the CLI's JSON out, and every error status with its message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unspun.cli import main
from unspun.demo import STITCHED
from unspun.web.app import create_app
from unspun.web.settings import WebSettings

ARTICLE = {
    "title": "Port strike talks collapse",
    "text": "He said the talks had collapsed after the authority refused to put an improved "
    "offer in writing. Residents have been watching the dispute closely.",
}


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_trace_returns_what_the_cli_prints(
    client: TestClient,
    demo_db: Path,
    stitched: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    title, body = stitched
    answer = client.post("/api/v1/trace", json={"title": title, "text": body})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == _cli_json(
        capsys, "trace", str(STITCHED), "--db", str(demo_db), "--json"
    )
    assert answer.json()["summary"]["stitched"] is True


def test_check_returns_what_the_cli_prints(
    client: TestClient, stitched: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    title, body = stitched
    answer = client.post("/api/v1/check", json={"title": title, "text": body})
    assert answer.status_code == 200
    assert answer.json() == _cli_json(capsys, "check", str(STITCHED), "--json")


def test_trace_accepts_the_optional_fields(client: TestClient) -> None:
    record = {**ARTICLE, "url": "https://example.org/a", "outlet": "Example", "id": "a-1"}
    answer = client.post("/api/v1/trace", json={**record, "published": "2031-04-05"})
    assert answer.status_code == 200
    assert answer.json()["sentences"][0]["verdict"] == "copied"


def test_article_by_id(client: TestClient) -> None:
    answer = client.get("/api/v1/articles/harbor-wire-2031-04-04-001")
    assert answer.status_code == 200
    article = answer.json()
    assert article["outlet"] == "Harbor Wire"
    assert article["published"] == "2031-04-04"
    start, end = article["spans"][0]
    assert article["text"][start:end].startswith("CALLOWAY")


def test_unknown_article_is_404(client: TestClient) -> None:
    answer = client.get("/api/v1/articles/no-such-story")
    assert answer.status_code == 404
    assert answer.json() == {"error": "no article with id 'no-such-story' in the index"}


def test_stats_and_health(client: TestClient) -> None:
    stats = client.get("/api/v1/stats").json()
    assert stats["articles"] == 36
    assert stats["first_published"] <= stats["last_published"]
    assert client.get("/api/v1/health").json() == {
        "status": "ok",
        "version": "0.1.0",
        "index": True,
        "read_only": False,
    }


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "must be a JSON object"),
        (b"", 400, "must be a JSON object"),
        (b'{"title": "No text"}', 422, "text: is required"),
        (b'{"title": "t", "text": ""}', 422, "text: must not be empty"),
        (b'{"title": "t", "text": "  \\n "}', 422, "text: must contain some text"),
        (b'{"title": 3, "text": "words"}', 422, "title: must be a string"),
        (b'{"text": "a \\ud800 lone surrogate"}', 422, "text: is not valid Unicode"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/trace", "/api/v1/check"])
def test_bad_bodies(
    client: TestClient, endpoint: str, body: bytes, status: int, message: str
) -> None:
    answer = client.post(endpoint, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == status
    assert set(answer.json()) == {"error"}
    assert message in answer.json()["error"]


def test_body_over_the_limit_is_413_before_parsing(demo_db: Path) -> None:
    app = create_app(WebSettings(db=demo_db, max_body_bytes=1000))
    with TestClient(app) as small:
        declared = small.post("/api/v1/trace", content=b"x" * 1001)
        assert declared.status_code == 413
        assert declared.json() == {"error": "the request is larger than the limit of 1,000 bytes"}

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
            yield from [b"y" * 600, b"y" * 600]

        streamed = small.post("/api/v1/check", content=chunks())
        assert streamed.status_code == 413
        within = small.post("/api/v1/check", json={"title": "", "text": "Short and fine."})
        assert within.status_code == 200


def test_bad_content_length_is_400(client: TestClient) -> None:
    answer = client.post("/api/v1/check", content=b"{}", headers={"Content-Length": "lots"})
    assert answer.status_code == 400
    assert "Content-Length" in answer.json()["error"]


def test_no_index_is_503_but_check_works(bare_client: TestClient) -> None:
    for answer in (
        bare_client.post("/api/v1/trace", json=ARTICLE),
        bare_client.get("/api/v1/stats"),
        bare_client.get("/api/v1/articles/any"),
    ):
        assert answer.status_code == 503
        assert "no index here yet; build one with 'unspun index" in answer.json()["error"]
    assert bare_client.post("/api/v1/check", json=ARTICLE).status_code == 200
    assert bare_client.get("/api/v1/health").json()["index"] is False


def test_index_built_while_serving_is_picked_up(
    tmp_path: Path, fiction_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "later.db"
    with TestClient(create_app(WebSettings(db=db))) as later:
        assert later.get("/api/v1/stats").status_code == 503
        assert main(["index", str(fiction_jsonl), "--db", str(db), "--workers", "1"]) == 0
        capsys.readouterr()
        assert later.get("/api/v1/stats").json()["articles"] == 3


def test_unknown_route_and_method_answer_json(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no such page"}
    wrong = client.get("/api/v1/trace")
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "method not allowed here"}


def test_openapi_schema_has_examples_and_error_shapes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/trace",
        "/api/v1/check",
        "/api/v1/articles/{article_id}",
        "/api/v1/stats",
        "/api/v1/health",
    }
    trace = paths["/api/v1/trace"]["post"]
    assert trace["responses"]["200"]["content"]["application/json"]["example"]["sentences"]
    assert set(trace["responses"]) >= {"200", "400", "413", "422", "503"}
    assert schema["components"]["schemas"]["ArticleIn"]["examples"][0]["text"]


def test_security_headers_on_api_answers(client: TestClient) -> None:
    answer = client.get("/api/v1/health")
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_trace_of_a_text_with_no_indexed_key(client: TestClient) -> None:
    answer = client.post("/api/v1/trace", json={"title": "", "text": "0"})
    assert answer.status_code == 200
    assert answer.json()["sentences"][0]["verdict"] == "original"


def test_the_checks_models_are_loaded_before_the_first_request(demo_db: Path) -> None:
    # In a fresh interpreter: this one has long loaded them for other tests.
    script = (
        "from fastapi.testclient import TestClient\n"
        "from unspun.forensics.verdict import load_verdict_model\n"
        "from unspun.stance.model import load_model\n"
        "from unspun.web.app import create_app\n"
        "from unspun.web.settings import WebSettings\n"
        f"with TestClient(create_app(WebSettings(db={str(demo_db)!r}))):\n"
        "    loaded = [load_model.cache_info().currsize, "
        "load_verdict_model.cache_info().currsize]\n"
        "print(loaded)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 1]"
