"""The ``unspun`` command: thin wrappers over :mod:`unspun.pipeline`.

Exit codes: 0 success, 2 usage or input error (one line on stderr naming the file and
the reason), 1 internal error. Heavy modules are imported inside the commands so that
start-up stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from unspun import __version__
from unspun.errors import UnspunError

if TYPE_CHECKING:
    from rich.console import Console

    from unspun.config import IndexParams
    from unspun.pipeline import IndexCounts
    from unspun.records import Article, CheckReport, TraceReport

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE = 0, 1, 2
_QUIET_TRACKER = "ignore:resource_tracker:UserWarning"
MAX_REJECTS_SHOWN = 20
STANCE_STEP = 1000  # pairs the trees label between two progress updates


class UsageError(UnspunError):
    """Bad arguments or unusable input: exit code 2."""


def default_db() -> Path:
    """``$UNSPUN_DB``, else ``./unspun.db``."""
    return Path(os.environ.get("UNSPUN_DB") or "unspun.db")


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def one_line(message: str) -> str:
    """``message`` safe to print as one line: line breaks, other control characters and
    bidirectional overrides (from file names, records or reasons) are written as escapes.

    >>> print(one_line("a.jsonl\\nunspun: added 999\\x1b[2J"))
    a.jsonl\\nunspun: added 999\\x1b[2J
    """
    return "".join(c if c.isprintable() or c == " " else _escaped(c) for c in message)


def _escaped(char: str) -> str:
    escaped = repr(char)[1:-1]
    return escaped if escaped != char else f"\\u{ord(char):04x}"


def _say(message: str, *, stderr: bool = True) -> None:
    """Print ``message`` as exactly one line (see :func:`one_line`)."""
    print(one_line(message), file=sys.stderr if stderr else sys.stdout)


def _err(message: str) -> None:
    _say(f"unspun: error: {message}")


def _require(paths: Sequence[Path]) -> None:
    """UsageError naming the first of ``paths`` that does not exist."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")


def cmd_index(args: argparse.Namespace) -> int:
    """``unspun index PATH... [--db DB]``."""
    from unspun.pipeline import REJECTS_NAME, index_paths

    paths = [Path(p) for p in args.paths]
    _require(paths)
    db: Path = args.db
    params = _index_params(args, db)
    shown = 0

    def report_reject(counts: IndexCounts) -> None:
        nonlocal shown
        while shown < len(counts.rejects) and shown < MAX_REJECTS_SHOWN:
            rej = counts.rejects[shown]
            _say(f"unspun: skipped {rej.origin}: {rej.reason}")
            shown += 1

    run = functools.partial(
        index_paths, paths, db, params=params, workers=args.workers, flush_every=args.commit_every
    )
    if sys.stderr.isatty() and not args.quiet:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            TimeElapsedColumn(),
            TextColumn("{task.fields[origin]}", style="dim", markup=False),
        )
        started = time.monotonic()
        with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
            task = bar.add_task("indexing", total=None, origin="")

            def progress(counts: IndexCounts, origin: str) -> None:
                report_reject(counts)
                rate = counts.added / max(time.monotonic() - started, 1e-6)
                bar.update(
                    task,
                    description=f"{counts.added:,} added, {counts.duplicates:,} dup, "
                    f"{counts.rejected:,} rejected ({rate:,.0f}/s)",
                    origin=one_line(Path(origin.rsplit(":", 1)[0]).name[-30:]),
                )

            counts = run(progress=progress)
    else:
        counts = run(progress=lambda c, o: report_reject(c))
    report_reject(counts)
    if counts.rejected > MAX_REJECTS_SHOWN:
        print(
            f"unspun: ... and {counts.rejected - MAX_REJECTS_SHOWN} more rejects",
            file=sys.stderr,
        )
    line = f"added {counts.added}, duplicates {counts.duplicates}, rejected {counts.rejected}"
    if counts.rejected:
        line += f" (reasons in {db / REJECTS_NAME})"
    _say(line, stderr=False)
    if counts.added == 0 and counts.duplicates == 0:
        if counts.rejected:
            _err(f"nothing indexed: all {counts.rejected} records were rejected")
        else:
            _err("nothing indexed: no .txt, .json, .jsonl(.gz), .html or .warc(.gz) files found")
        return EXIT_USAGE
    return EXIT_OK


def _index_params(args: argparse.Namespace, db: Path) -> IndexParams | None:
    """Fingerprint parameters from the options, on top of the index's stamp or defaults."""
    from dataclasses import replace

    from unspun.config import IndexParams
    from unspun.index.store import stamped_params

    changes: dict[str, object] = {}
    if args.keys_per_sentence is not None:
        changes["keys_per_sentence"] = args.keys_per_sentence
    if args.shingle_sizes is not None:
        try:
            changes["shingle_sizes"] = tuple(int(n) for n in args.shingle_sizes.split(","))
        except ValueError as exc:
            raise UsageError(
                f"--shingle-sizes: expected numbers separated by commas, got {args.shingle_sizes!r}"
            ) from exc
    if not changes:
        return None
    try:
        return replace(stamped_params(db) or IndexParams(), **changes)  # type: ignore[arg-type]
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _read_one(path: Path) -> Article:
    from unspun.ingest import read_path
    from unspun.records import Rejected

    _require([path])
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give one article file")
    items = list(read_path(path))
    articles = [i for i in items if not isinstance(i, Rejected)]
    rejects = [i for i in items if isinstance(i, Rejected)]
    if not articles:
        reason = rejects[0].reason if rejects else "no article found"
        raise UsageError(f"{path}: {reason}")
    if len(articles) > 1:
        raise UsageError(
            f"{path}: holds {len(articles)} articles; give one (use 'unspun index' for collections)"
        )
    return articles[0]


def cmd_trace(args: argparse.Namespace) -> int:
    """``unspun trace FILE [--db DB] [--json] [--semantic]``."""
    from unspun.index.store import IndexReader
    from unspun.pipeline import trace_article

    article = _read_one(Path(args.file))
    db: Path = args.db
    if not db.exists():
        raise UsageError(f"{db}: no index here; build one with 'unspun index FILES --db {db}'")
    IndexReader(db).close()
    report = trace_article(article, db, semantic=args.semantic)
    _print_report(report, as_json=args.json)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """``unspun check FILE [--json] [--semantic [--cross PATH]]``: forensics from the text
    alone."""
    from unspun.pipeline import check_article

    article = _read_one(Path(args.file))
    _require_cross(args)
    report = check_article(article, semantic=args.semantic, cross=args.cross)
    _print_report(report, as_json=args.json)
    return EXIT_OK


def _require_cross(args: argparse.Namespace) -> None:
    """UsageError when ``--cross`` names no file (before seconds of loading torch)."""
    if args.cross is not None and not args.cross.is_file():
        raise UsageError(f"{args.cross}: no such file (--cross takes a cross-encoder .npz)")


def cmd_stance(args: argparse.Namespace) -> int:
    """``unspun stance BODIES STANCES [--model PATH] [--semantic [--cross PATH]]``:
    FNC-format predictions on stdout."""
    from unspun.stance.fnc import read_fnc, write_predictions
    from unspun.stance.model import StanceModel, load_model

    _require([args.bodies, args.stances])
    _require_cross(args)
    pairs = read_fnc(args.bodies, args.stances, labels=False)
    texts = [(p.headline, p.body) for p in pairs]
    labels: list[str] = []
    if args.semantic:
        from unspun.stance.cross import load_combined

        combined = load_combined(args.cross, trees=args.model)
        # One call over every pair: the cross-encoder batches them as the evaluation did.
        with _Progress("related pairs through the cross-encoder") as progress:
            labels = [s.label for s in combined.predict_many(texts, progress=progress)]
    else:
        model = StanceModel.load(args.model) if args.model else load_model()
        with _Progress("pairs") as progress:
            for at in range(0, len(texts), STANCE_STEP):
                labels += [s.label for s in model.predict_many(texts[at : at + STANCE_STEP])]
                progress(len(labels), len(texts))
    write_predictions(pairs, labels, sys.stdout)
    return EXIT_OK


class _Progress:
    """A count rewritten in place on one stderr line when stderr is a terminal (else
    nothing); the line is ended on leaving the ``with`` block."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.live = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if self.live:
            self.shown = True
            print(f"\runspun: {done:,} of {total:,} {self.what}", end="", file=sys.stderr)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            print(file=sys.stderr)


def cmd_train_stance(args: argparse.Namespace) -> int:
    """``unspun train-stance --bodies B --stances S --out PATH [--seed N]``."""
    from unspun.stance.train import main as train_main

    _require([args.bodies, args.stances])
    argv = ["--bodies", str(args.bodies), "--stances", str(args.stances), "--out", str(args.out)]
    return train_main([*argv, "--seed", str(args.seed)])


def _print_report(report: TraceReport | CheckReport, *, as_json: bool) -> None:
    """Print a trace or check report as JSON, or rendered for the terminal."""
    from unspun.records import TraceReport

    if as_json:
        import orjson

        from unspun.report.json import check_to_dict, trace_to_dict

        data = trace_to_dict(report) if isinstance(report, TraceReport) else check_to_dict(report)
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    else:
        from unspun.report.terminal import render_check, render_trace

        console = _console()
        plain = not console.is_terminal or console.no_color
        if isinstance(report, TraceReport):
            rendered = render_trace(report, plain=plain)
        else:
            rendered = render_check(report, plain=plain)
        # A part at a time: rich keeps what a print renders until it is written.
        for part in rendered.renderables:
            console.print(part)


def cmd_demo(args: argparse.Namespace) -> int:
    """``unspun demo``: index the bundled fictional corpus and trace the stitched article."""
    import tempfile

    from unspun.demo import CORPUS, STITCHED
    from unspun.pipeline import index_paths, trace_article

    with tempfile.TemporaryDirectory(prefix="unspun-demo-") as tmp:
        db = Path(args.keep) if args.keep else Path(tmp) / "demo.db"
        counts = index_paths([CORPUS], db, workers=1)
        if not args.json:
            print(
                f"Indexed the demo corpus ({CORPUS.name}): added {counts.added}, "
                f"duplicates {counts.duplicates}, rejected {counts.rejected}\n"
                f"Tracing {STITCHED.name}:\n"
            )
        report = trace_article(_read_one(STITCHED), db)
        _print_report(report, as_json=args.json)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    """``unspun stats [--db DB]``: what the index holds."""
    from unspun.index.store import IndexReader

    db: Path = args.db
    if not db.exists():
        raise UsageError(f"{db}: no index here; build one with 'unspun index FILES --db {db}'")
    with IndexReader(db) as reader:
        st = reader.stats()
    ratio = st.bytes_on_disk / st.raw_chars if st.raw_chars else 0.0
    print(
        f"{st.articles} articles, {st.sentences} sentences, {st.outlets} outlets, "
        f"published {st.first_published or '?'} .. {st.last_published or '?'}\n"
        f"{st.segments} segments, {st.postings} postings, "
        f"{st.bytes_on_disk / 1e6:.1f} MB on disk ({ratio:.2f} x the raw text)"
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """``unspun serve [--db DB] [--host H] [--port P] [bounds]``: the web page and the HTTP
    API, with each connection bounded in time and their number capped (see
    :class:`unspun.web.settings.WebSettings`)."""
    import socket

    from unspun.index.store import LOCK_NAME, META_NAME

    try:
        from unspun.web.app import create_app
        from unspun.web.server import serve
        from unspun.web.settings import WebSettings
    except ImportError as exc:
        from unspun.errors import MissingExtraError

        raise MissingExtraError(exc.name or "fastapi", "web", "unspun serve") from exc
    db: Path = args.db
    settings = WebSettings(
        db=db,
        body_timeout=args.body_timeout,
        body_idle_timeout=args.body_idle_timeout,
        header_timeout=args.header_timeout,
        send_timeout=args.send_timeout,
        max_connections=args.max_connections,
    )
    if db.exists() and not (db / META_NAME).exists() and not (db / LOCK_NAME).exists():
        raise UsageError(f"{db}: not an unspun index folder; choose another --db")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: {args.port} is not a port number (0-65535)")
    try:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.create_server((args.host, args.port), family=family)
    except OSError as exc:
        raise UsageError(f"{args.host}:{args.port}: cannot listen ({exc.strerror or exc})") from exc
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if not db.exists():
        _say(f"unspun: no index at {db} yet: trace answers 503 until 'unspun index' builds it")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"unspun: listening on {args.host}: other machines can reach it", file=sys.stderr)
    print(
        one_line(f"unspun: serving http://{shown}:{port}/ (index: {db}); Ctrl-C stops"), flush=True
    )
    serve(create_app(settings), settings, sock)
    return EXIT_OK


def serve_bounds(p: argparse.ArgumentParser) -> None:
    """The options of ``unspun serve`` that bound slow clients; their defaults are
    :class:`unspun.web.settings.WebSettings`'s (a light import: no web framework)."""
    from unspun.web.settings import WebSettings

    default = {f.name: f.default for f in dataclasses.fields(WebSettings)}
    bounds: list[tuple[str, type, str, str]] = [
        (
            "body_timeout",
            float,
            "SECONDS",
            "a request body must arrive whole within this time after its headers, else "
            "408 and the connection is closed (default {:g})",
        ),
        (
            "body_idle_timeout",
            float,
            "SECONDS",
            "longest pause between two pieces of a body, else 408 (default {:g})",
        ),
        (
            "header_timeout",
            float,
            "SECONDS",
            "a request's headers must be complete within this time after the connection "
            "opens or the previous answer ends, else the connection is closed (default {:g}; "
            f"an idle connection between requests is closed after "
            f"{default['keep_alive_timeout']} s)",
        ),
        (
            "send_timeout",
            float,
            "SECONDS",
            "a client that leaves an answer unread this long, the send buffer full, is "
            "disconnected (default {:g})",
        ),
        (
            "max_connections",
            int,
            "N",
            "connections served at once, idle ones included; a request beyond them gets "
            "503 (default {})",
        ),
    ]
    for name, kind, metavar, text in bounds:
        p.add_argument(
            "--" + name.replace("_", "-"),
            type=kind,
            default=default[name],
            metavar=metavar,
            help=text.format(default[name]),
        )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="unspun", description="Trace every sentence of a news article to its sources."
    )
    parser.add_argument("--version", action="version", version=f"unspun {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db",
            type=Path,
            default=None,
            help="index folder (default: $UNSPUN_DB, else ./unspun.db)",
        )

    def cross_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--cross",
            type=Path,
            metavar="PATH",
            help="with --semantic: cross-encoder weights (.npz from bench.stance_cross.train; "
            "default: shipped)",
        )

    p = sub.add_parser("index", help="add articles to the index")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to index")
    db_option(p)
    p.add_argument("--workers", type=int, default=None, help="processes (default: cores)")
    p.add_argument(
        "--commit-every",
        type=int,
        default=20_000,
        metavar="N",
        help="articles per committed batch (default 20000); a kill loses at most one batch",
    )
    p.add_argument(
        "--keys-per-sentence",
        type=int,
        metavar="N",
        help="fingerprints kept per sentence (default 10; fixed when the index is created)",
    )
    p.add_argument(
        "--shingle-sizes",
        metavar="N,M",
        help="word n-gram sizes hashed (default 2,3; fixed when the index is created)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("trace", help="trace an article's sentences to their sources")
    p.add_argument("file", metavar="FILE", help=".txt, .html or .json (one article)")
    db_option(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--semantic",
        action="store_true",
        help="also compare unmatched sentences by meaning, to find paraphrases "
        "(needs: pip install 'unspun[embed]'; adds 5-9 s to load the model)",
    )
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("check", help="forensic reading of an article from its text alone")
    p.add_argument("file", metavar="FILE", help=".txt, .html or .json (one article)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--semantic",
        action="store_true",
        help="also compare adjacent sentences by meaning to find topic jumps, and read the "
        "stance with the MiniLM cross-encoder beside the trees "
        "(needs: pip install 'unspun[embed]'; adds about 8 s to load the models)",
    )
    cross_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "stance", help="label FNC-format headline-body pairs (CSV with the Stance column out)"
    )
    p.add_argument("bodies", type=Path, metavar="BODIES", help="CSV with Body ID, articleBody")
    p.add_argument(
        "stances", type=Path, metavar="STANCES", help="CSV with Headline, Body ID (Stance ignored)"
    )
    p.add_argument("--model", type=Path, help="a model from train-stance (default: shipped)")
    p.add_argument(
        "--semantic",
        action="store_true",
        help="label related pairs with the MiniLM cross-encoder beside the trees "
        "(needs: pip install 'unspun[embed]'; about 30 ms a related pair)",
    )
    cross_option(p)
    p.set_defaults(func=cmd_stance)

    p = sub.add_parser("train-stance", help="rebuild the stance model from FNC-1 training files")
    p.add_argument("--bodies", type=Path, required=True, help="train_bodies.csv[.gz]")
    p.add_argument("--stances", type=Path, required=True, help="train_stances.csv[.gz]")
    p.add_argument("--out", type=Path, required=True, help="model file to write (.npz)")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_train_stance)

    p = sub.add_parser("stats", help="what the index holds")
    db_option(p)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("serve", help="a web page and an HTTP JSON API (needs unspun[web])")
    db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve_bounds(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="index a bundled fictional corpus and trace a sample")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--keep", metavar="DB", help="keep the demo index in this folder")
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``unspun`` console script."""
    # Killed, the indexer leaves its worker queues' semaphores to multiprocessing's
    # resource tracker, which frees them but warns on the terminal after the kill; the
    # tracker takes its warning filters from these options when it starts.
    if _QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(_QUIET_TRACKER)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db", "absent") is None:
        args.db = default_db()
    if getattr(args, "workers", None) is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if getattr(args, "commit_every", 1) < 1:
        parser.error("--commit-every must be at least 1")
    for seconds in ("body_timeout", "body_idle_timeout", "header_timeout", "send_timeout"):
        value = getattr(args, seconds, 1.0)
        if not (math.isfinite(value) and value > 0):
            parser.error(f"--{seconds.replace('_', '-')} must be a positive number of seconds")
    if getattr(args, "max_connections", 1) < 1:
        parser.error("--max-connections must be at least 1")
    if getattr(args, "cross", None) is not None and not args.semantic:
        parser.error("--cross needs --semantic (it names the cross-encoder's weights)")
    try:
        code: int = args.func(args)
    except UnspunError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted; the index keeps everything committed so far (rerun to finish)")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, keep the traceback for the report
        import traceback

        traceback.print_exc()
        _err(f"internal error ({type(exc).__name__}); please report it with the output above")
        return EXIT_INTERNAL
    return code


if __name__ == "__main__":
    raise SystemExit(main())
