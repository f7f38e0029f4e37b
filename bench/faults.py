"""Faults to inject into real runs: small or read-only disks, kills, synthetic corpora.

Shared by the reliability tests (``tests/integration``) and the reliability suite
(``python -m bench.reliability``). A disk that fills up is a real tmpfs mounted for the
purpose (root only; :func:`mount_refusal` says why one cannot be had), resized with
``remount`` to let a rerun finish and remounted read-only to play an archive.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

VOCAB = (
    "harbour ferry council budget river bridge mayor union crew night vote plan "
    "storm farm market price school road clinic rail port court police fire "
    "festival lantern orchard frost dock tide engine ledger quarry mill"
).split()


def synthetic_corpus(path: Path, n: int, *, seed: int = 11, first: int = 0) -> Path:
    """Write ``n`` made-up articles (random words from a small list: no real text) as
    JSONL, ids ``syn-<first>`` upwards, with dates; returns ``path``."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(first, first + n):
            sentences = [
                " ".join(rng.choice(VOCAB) for _ in range(rng.randint(8, 16))).capitalize() + "."
                for _ in range(rng.randint(4, 10))
            ]
            rec = {
                "id": f"syn-{i}",
                "title": f"Report {i} on the {rng.choice(VOCAB)}",
                "text": " ".join(sentences),
                "source": f"Outlet {i % 7}",
                "date": f"2031-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            fh.write(json.dumps(rec) + "\n")
    return path


def unspun_command(*args: str) -> list[str]:
    """``python -m unspun ARGS`` with this interpreter."""
    return [sys.executable, "-m", "unspun", *args]


def child_env() -> dict[str, str]:
    """The environment for an ``unspun`` subprocess: this process's import path, no
    colours, no terminal tricks."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "NO_COLOR": "1",
        "TERM": "dumb",
    }


def session_members(sid: int) -> list[int]:
    """Processes whose session id is ``sid`` (a child started with
    ``start_new_session=True`` and everything it started), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session ...: comm may hold spaces and brackets.
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(entry.name))
    return found


def wait_gone(sid: int, timeout: float) -> list[int]:
    """Wait until no process of session ``sid`` is left; returns those still alive."""
    deadline = time.monotonic() + timeout
    while (alive := session_members(sid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def kill(proc: subprocess.Popen[bytes] | subprocess.Popen[str], *, group: bool) -> None:
    """SIGKILL the process (``group``: and every process of its session)."""
    if group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait()


def mount_refusal() -> str | None:
    """Why a tmpfs cannot be mounted here (None when it can)."""
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "the mount and umount commands are not installed"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    probe = Path(tempfile.mkdtemp(prefix="unspun-mount-probe-"))
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return f"mount -t tmpfs was refused ({done.stderr.strip() or done.returncode})"
        subprocess.run(["umount", str(probe)], check=True)
        return None
    finally:
        probe.rmdir()


class Tmpfs:
    """A tmpfs of a given size, mounted on a fresh temporary folder until closed.

    Args:
        size: Bytes (rounded up to pages by the kernel).
    """

    def __init__(self, size: int) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="unspun-tmpfs-"))
        self._run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(self.path))

    @staticmethod
    def _run(*command: str) -> None:
        done = subprocess.run(list(command), capture_output=True, text=True)
        if done.returncode != 0:
            raise OSError(f"{' '.join(command)}: {done.stderr.strip() or done.returncode}")

    def resize(self, size: int) -> None:
        """Grow or shrink the filesystem (its files stay)."""
        self._run("mount", "-o", f"remount,size={size}", str(self.path))

    def read_only(self, on: bool = True) -> None:
        """Remount read-only (or writable again)."""
        self._run("mount", "-o", f"remount,{'ro' if on else 'rw'}", str(self.path))

    def free(self) -> int:
        """Free bytes."""
        return shutil.disk_usage(self.path).free

    def close(self) -> None:
        """Unmount (lazily, should a process still hold a file) and remove the folder."""
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()

    def __enter__(self) -> Tmpfs:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def run_unspun(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``unspun ARGS`` to its end; stdout and stderr captured as text."""
    return subprocess.run(
        unspun_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or child_env(),
    )


def one_clear_line(stderr: str) -> str | None:
    """What is wrong with ``stderr`` as the CLI's answer to a failure (None: it is one
    ``unspun: error: ...`` line and no traceback)."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if any("Traceback" in line for line in lines):
        return "a traceback"
    errors = [line for line in lines if line.startswith("unspun: error: ")]
    if len(errors) != 1:
        return f"{len(errors)} error lines"
    return None


def index_args(corpus: Path, db: Path, *extra: str) -> Sequence[str]:
    """The arguments of ``unspun index`` used by the fault runs."""
    return ("index", str(corpus), "--db", str(db), "--quiet", *extra)


def rss_of(pids: Sequence[int]) -> int:
    """Resident memory of these processes together, in bytes (those gone count 0)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
                break
    return total


def run_measured(
    command: Sequence[str], *, timeout: float = 600, every: float = 0.05, **kwargs: object
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``command`` to its end (stdout and stderr captured as text) while sampling
    the resident memory of it and every process it starts, summed; returns the
    result and the peak sum in bytes."""
    proc = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,  # type: ignore[call-overload]
    )
    peak = 0
    deadline = time.monotonic() + timeout
    outputs: list[str] = []

    def drain() -> None:
        out, err = proc.communicate()
        outputs.extend([out, err])

    import threading

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    while reader.is_alive():
        peak = max(peak, rss_of(session_members(proc.pid)))
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            reader.join()
            raise subprocess.TimeoutExpired(list(command), timeout)
        time.sleep(every)
    reader.join()
    done = subprocess.CompletedProcess(list(command), proc.returncode, outputs[0], outputs[1])
    return done, peak
