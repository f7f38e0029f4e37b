"""`unspun serve`: refusals that exit 2 with one line, before anything is served."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from unspun.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["serve", *args])
    return code, capsys.readouterr().err


def test_a_folder_that_is_not_an_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, err = _run(capsys, "--db", str(tmp_path))
    assert code == 2
    assert err == f"unspun: error: {tmp_path}: not an unspun index folder; choose another --db\n"


def test_a_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, err = _run(capsys, "--db", str(tmp_path / "db"), "--port", str(port))
    assert code == 2
    assert err.startswith(f"unspun: error: 127.0.0.1:{port}: cannot listen (")
    assert err.count("\n") == 1


def test_a_port_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "--db", str(tmp_path / "db"), "--port", "70000")
    assert code == 2 and "is not a port number" in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--body-timeout", "0", "--body-timeout must be a positive number of seconds"),
        ("--body-idle-timeout", "-1", "--body-idle-timeout must be a positive number"),
        ("--header-timeout", "nan", "--header-timeout must be a positive number"),
        ("--header-timeout", "inf", "--header-timeout must be a positive number"),
        ("--send-timeout", "0", "--send-timeout must be a positive number"),
        ("--max-connections", "0", "--max-connections must be at least 1"),
    ],
    ids=["body-zero", "idle-negative", "header-nan", "header-inf", "send-zero", "no-connections"],
)
def test_bounds_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--db", str(tmp_path / "db"), option, value])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
