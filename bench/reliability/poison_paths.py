"""The odd paths of the poison part: hostile names, FIFOs, links, modes, depth, holes.

Each builder makes one path in an empty folder and returns it (see
:mod:`bench.reliability.poison_inputs` for the builders of file contents).
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from bench.reliability.poison_inputs import Sizes, jsonl_line, record_of, story_of, write


def hostile_name(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A file name holding a line break and an escape sequence, with hostile records."""
    record = record_of(rng)
    record["title"] = "Bells \x1b[31mred\x1b[0m \x07 ring"
    record["text"] = record["text"] + " The bell \x1b]0;retitled\x07 rang \u202e\r at noon."
    data = b"{not json\n" + jsonl_line(record)
    return write(folder / "x\nunspun: added 999 \x1b[2J.jsonl", data)


def markup_name(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    record = record_of(rng)
    record["title"] = "[bold red]Flood[/] [link=file:///etc]warning[/link]"
    record["text"] = "[/] " + record["text"] + " [/bold] The dock [i]closed[/i] early."
    data = b'{"text": "[/bold]\n' + jsonl_line(record)
    return write(folder / "[bold red]alarm [link=x]y.jsonl", data)


def fifo_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def fifo_in_folder(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    inside = folder / "in"
    inside.mkdir()
    os.mkfifo(inside / "pipe.txt")
    write(inside / "story.txt", story_of(rng))
    return inside


def dev_zero_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def symlink_loops(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """A folder with a link to itself, a link to its parent and a file link to itself."""
    inside = folder / "in"
    inside.mkdir()
    (inside / "self").symlink_to(".")
    (inside / "up").symlink_to("..")
    (inside / "loop.txt").symlink_to("loop.txt")
    write(inside / "story.txt", story_of(rng))
    return inside


def root_refusal() -> str | None:
    if os.geteuid() == 0:
        return "running as root, which reads any file: no unreadable file can be made"
    return None


def unreadable_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    path = write(folder / "locked.txt", story_of(rng))
    path.chmod(0)
    return path


def undecodable_names(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    """File names that are not UTF-8: an empty file (rejected) and an article."""
    inside = folder / "in"
    inside.mkdir()
    write(inside / os.fsdecode(b"\xff-empty.txt"), b"")
    write(inside / os.fsdecode(b"\xfe\xc3-story.txt"), story_of(rng))
    return inside


def deep_folder(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    top = folder / "deep"
    path = top
    # One level at a time: os.makedirs recurses once per level.
    for _ in range(sizes.depth):
        path.mkdir()
        path = path / "d"
    path.mkdir()
    write(path / "story.txt", story_of(rng))
    return top


def sparse_txt(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return _sparse(folder / "sparse.txt", sizes.sparse)


def sparse_jsonl(folder: Path, sizes: Sizes, rng: random.Random) -> Path:
    return _sparse(folder / "sparse.jsonl", sizes.sparse)


def _sparse(path: Path, size: int) -> Path:
    path.touch()
    os.truncate(path, size)
    return path
