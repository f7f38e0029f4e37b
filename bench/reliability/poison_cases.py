"""The catalogue of the poison part: each hostile input, the command it is given to,
and the answer the promise calls for (exit code and, for ``unspun index``, how many
records must be rejected)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bench.reliability import poison_inputs as files
from bench.reliability import poison_paths as paths
from bench.reliability.poison_inputs import Sizes

Command = Literal["index", "trace", "check"]
#: Writes one input into an empty folder and returns the path to give the CLI.
Build = Callable[[Path, Sizes, random.Random], Path]


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input and the answer the promise calls for.

    Attributes:
        name: What is tried, with ``{size}`` fields filled from :meth:`Sizes.shown`.
        command: The command it is given to.
        build: Writes the input into an empty folder; returns the path to give.
        exit_code: The exit code the promise calls for.
        rejects: For ``index``: fewest and most records that must be rejected (or
            how to tell them from the sizes).
        alone: For ``index``: given without the good file that normally follows it
            (so nothing usable is given unless the input itself holds an article).
        quick: Part of the short run.
        refusal: Why the case cannot be made here (None: it can).
    """

    name: str
    command: Command
    build: Build
    exit_code: int = 0
    rejects: tuple[int, int] | Callable[[Sizes], tuple[int, int]] = (0, 0)
    alone: bool = False
    quick: bool = False
    refusal: Callable[[], str | None] | None = None

    def title(self, sizes: Sizes) -> str:
        """The case's name with its sizes filled in."""
        return f"{self.command}: {self.name.format(**sizes.shown())}"

    def reject_range(self, sizes: Sizes) -> tuple[int, int]:
        """Fewest and most records ``unspun index`` must reject."""
        return self.rejects(sizes) if callable(self.rejects) else self.rejects


def catalogue() -> list[Case]:
    """Every case, in the order they run."""
    loop = "a symlink loop, a link to itself and to its parent in a folder"
    return [
        Case("empty .txt", "index", files.empty_txt, rejects=(1, 1), quick=True),
        Case("empty .txt alone", "index", files.empty_txt, exit_code=2, rejects=(1, 1), alone=True),
        Case("NUL bytes in a .txt", "index", files.nul_bytes_txt, rejects=(1, 1)),
        Case(
            "invalid UTF-8 in a .txt", "index", files.invalid_utf8_txt, rejects=(1, 1), quick=True
        ),
        Case("UTF-16 without BOM named .txt", "index", files.utf16_txt, rejects=(1, 1)),
        Case("PDF-like binary named .txt", "index", files.pdf_txt, rejects=(1, 1)),
        Case("JSONL line one byte over 8 MiB", "index", files.over_limit_line, rejects=(1, 1)),
        Case("gzip bomb: {bomb} of newlines", "index", files.newline_bomb, quick=True),
        Case("gzip bomb: one line of {bomb}", "index", files.endless_line_bomb, rejects=(1, 1)),
        Case("truncated .jsonl.gz", "index", files.truncated_gzip, rejects=(1, 1), quick=True),
        Case("plain text named .jsonl.gz", "index", files.not_gzip, rejects=(1, 1)),
        Case(".json of 100,000 nested arrays", "index", files.nested_arrays_json, rejects=(1, 1)),
        Case(".json with a 5,000-digit number", "index", files.huge_number_json, rejects=(1, 1)),
        Case(".json with a 1 MiB key", "index", files.huge_key_json),
        Case(".json with duplicate keys", "index", files.duplicate_keys_json),
        Case(
            "JSONL of {records} tiny records",
            "index",
            files.tiny_records,
            rejects=lambda sizes: (sizes.records, sizes.records),
        ),
        Case("HTML of 100,000 nested <div>s", "index", files.nested_divs_html, rejects=(0, 1)),
        Case("HTML of ~8 MB of one paragraph", "index", files.one_paragraph_html, rejects=(0, 1)),
        Case("HTML with a 5 MiB attribute", "index", files.big_attribute_html, rejects=(0, 1)),
        Case("HTML <meta charset> naming no encoding", "index", files.bogus_charset_html),
        Case(
            'HTML <meta charset="hex"> (not a text codec)',
            "index",
            files.codec_charset_html,
            quick=True,
        ),
        Case("WARC record claiming 10 GB", "index", files.ten_gb_warc, rejects=(1, 1), quick=True),
        Case("WARC of garbage", "index", files.garbage_warc, rejects=(1, 1)),
        Case(".warc.gz bomb: a {bomb} page", "index", files.warc_gz_bomb, rejects=(1, 1)),
        Case("WARC page gzip-encoded to {bomb}", "index", files.encoded_bomb_warc, rejects=(1, 1)),
        Case("WARC header line of {bomb}", "index", files.warc_header_line_bomb, rejects=(1, 1)),
        Case(
            "WARC headers: {bomb} of lines", "index", files.warc_header_lines_bomb, rejects=(1, 1)
        ),
        Case("{bomb} of blank lines between WARC records", "index", files.warc_blank_lines_bomb),
        Case("one-sentence article of {sentence}", "index", files.one_sentence_txt),
        Case("{letters} characters of one letter", "index", files.one_letter_txt),
        Case("{words} of one-word sentences", "index", files.one_word_sentences_txt),
        Case("8 MB of one-letter lines", "index", files.one_letter_lines_txt, rejects=(1, 1)),
        Case("{dense} records of 99,000 one-letter lines", "index", files.one_letter_lines_records),
        Case(
            "HTML of a million one-letter paragraphs",
            "index",
            files.many_paragraphs_html,
            rejects=(1, 1),
        ),
        Case("headline with {marks} combining marks", "index", files.marks_title_txt),
        Case(
            "file name with a line break and escapes", "index", paths.hostile_name, rejects=(1, 1)
        ),
        Case("rich markup in a file name and text", "index", paths.markup_name, rejects=(1, 1)),
        Case("FIFO named .txt", "index", paths.fifo_txt, rejects=(1, 1), quick=True),
        Case("FIFO in a folder", "index", paths.fifo_in_folder),
        Case("symlink to /dev/zero named .txt", "index", paths.dev_zero_txt, rejects=(1, 1)),
        Case(loop, "index", paths.symlink_loops, rejects=(1, 1), quick=True),
        Case(
            "unreadable .txt",
            "index",
            paths.unreadable_txt,
            rejects=(1, 1),
            refusal=paths.root_refusal,
        ),
        Case(
            "file names that are not UTF-8",
            "index",
            paths.undecodable_names,
            rejects=(1, 1),
            quick=True,
        ),
        Case("folders nested {depth} deep", "index", paths.deep_folder, quick=True),
        Case("sparse .txt of {sparse}", "index", paths.sparse_txt, rejects=(1, 1)),
        Case("sparse .jsonl of {sparse} of NUL bytes", "index", paths.sparse_jsonl, rejects=(1, 1)),
        Case(
            "one sentence of {traced} characters", "trace", files.long_sentence_article, quick=True
        ),
        Case("one sentence of {traced} characters", "check", files.long_sentence_article),
        Case(
            "article over MAX_ARTICLE_CHARS",
            "trace",
            files.over_max_article,
            exit_code=2,
            quick=True,
        ),
        Case("article over MAX_ARTICLE_CHARS", "check", files.over_max_article, exit_code=2),
        Case("{traced} characters of one letter", "trace", files.one_letter_article),
        Case(
            "{traced} periods (too many sentences)",
            "trace",
            files.periods_article,
            exit_code=2,
            quick=True,
        ),
        Case("{traced} periods (too many sentences)", "check", files.periods_article, exit_code=2),
        Case("{traced} periods", "index", files.periods_article, rejects=(1, 1)),
        # Over MAX_ARTICLE_SENTENCES: refused in one line, before any work.
        Case(
            "{traced} characters of one-letter lines (too many sentences)",
            "trace",
            files.one_letter_lines_article,
            exit_code=2,
        ),
        Case(
            "{traced} characters of one-letter lines (too many sentences)",
            "check",
            files.one_letter_lines_article,
            exit_code=2,
        ),
        Case(
            "{traced} characters of tab-separated sentences (too many sentences)",
            "check",
            files.tab_separated_article,
            exit_code=2,
        ),
        Case(
            "{traced} characters of one-word sentences (too many sentences)",
            "trace",
            files.one_word_article,
            exit_code=2,
        ),
        Case(
            "{traced} characters of one-word sentences (too many sentences)",
            "check",
            files.one_word_article,
            exit_code=2,
        ),
        # Just under it: traced and checked.
        Case("48,000 one-letter lines", "trace", files.lines_under_the_cap),
        Case("48,000 one-letter lines", "check", files.lines_under_the_cap),
        Case("45,000 one-word sentences", "trace", files.sentences_under_the_cap),
        Case("45,000 one-word sentences", "check", files.sentences_under_the_cap),
        Case("headline with {marks} combining marks", "check", files.marks_title_article),
        Case("markup and escape sequences in the text", "check", files.hostile_text, quick=True),
        Case("markup and escape sequences in the text", "trace", files.hostile_text),
        Case("NUL bytes in the text", "check", files.nul_bytes_txt, exit_code=2),
        Case("invalid UTF-8", "trace", files.invalid_utf8_txt, exit_code=2),
        Case("empty .txt", "check", files.empty_txt, exit_code=2),
        Case(".jsonl of two articles", "trace", files.two_articles, exit_code=2),
        Case('HTML <meta charset="hex">', "check", files.codec_charset_html),
        Case("FIFO named .txt", "check", paths.fifo_txt, exit_code=2, quick=True),
        Case("symlink to /dev/zero named .txt", "trace", paths.dev_zero_txt, exit_code=2),
    ]
