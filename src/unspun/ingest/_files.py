"""File-handling helpers shared by the readers."""

from __future__ import annotations

from pathlib import Path

from unspun.records import Rejected

MB = 1024 * 1024
#: Default largest record (a JSONL line, a file, a WARC payload) read into memory.
DEFAULT_MAX_RECORD_BYTES = 8 * MB


def check_limit(max_record_bytes: int) -> None:
    """Raise ``ValueError`` unless ``max_record_bytes`` is a positive integer.

    Args:
        max_record_bytes: The limit a caller passed.

    Raises:
        ValueError: The limit is zero or negative.
    """
    if max_record_bytes <= 0:
        raise ValueError(f"max_record_bytes must be positive, got {max_record_bytes}")


def describe_size(n_bytes: int) -> str:
    """Write a byte count the way the messages show it (``8 MB`` or ``1500 bytes``).

    Args:
        n_bytes: A size in bytes.

    Returns:
        Whole megabytes when the size is a multiple of one, bytes otherwise.
    """
    if n_bytes >= MB and n_bytes % MB == 0:
        return f"{n_bytes // MB} MB"
    return f"{n_bytes} bytes"


def too_large_reason(max_record_bytes: int, what: str = "record") -> str:
    """The reason given for a record or file over the size limit.

    Args:
        max_record_bytes: The limit in force.
        what: What was too large (``record`` or ``file``).

    Returns:
        For example ``record larger than 8 MB (limit), skipped``.
    """
    return f"{what} larger than {describe_size(max_record_bytes)} (limit), skipped"


def os_error_reason(err: OSError) -> str:
    """Describe why a file could not be read, without repeating its path.

    Args:
        err: The error raised by ``open`` or ``read``.

    Returns:
        For example ``cannot read file: Permission denied``.
    """
    detail = err.strerror or str(err) or type(err).__name__
    return f"cannot read file: {detail}"


def read_limited(
    path: Path, max_record_bytes: int, *, too_large_hint: str | None = None
) -> bytes | Rejected:
    """Read a whole file that must not exceed the record size limit.

    Args:
        path: The file.
        max_record_bytes: Largest size accepted.
        too_large_hint: Added to the reason for a file over the limit (what to do
            instead).

    Returns:
        The file's bytes, or a :class:`~unspun.records.Rejected` when it cannot be
        read or is too large. The limit is enforced while reading, so a file that
        grows meanwhile is still never read past it.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(max_record_bytes + 1)
    except OSError as err:
        return Rejected(str(path), os_error_reason(err))
    if len(data) > max_record_bytes:
        reason = too_large_reason(max_record_bytes, "file")
        return Rejected(str(path), f"{reason}: {too_large_hint}" if too_large_hint else reason)
    return data


def utf8_error_reason(err: UnicodeDecodeError, base_offset: int = 0) -> str:
    """The reason given for bytes that are not UTF-8.

    Args:
        err: The decoding error.
        base_offset: Bytes before the decoded part (e.g. a stripped BOM).

    Returns:
        For example ``not valid UTF-8 at byte 17``.
    """
    return f"not valid UTF-8 at byte {base_offset + err.start}"


def one_line(text: str, max_chars: int | None = None) -> str:
    """Collapse a message that may hold line breaks (e.g. from a library) to one line.

    Args:
        text: The message.
        max_chars: Cut longer messages to this many characters, ending in ``...``.

    Returns:
        The words of ``text`` separated by single spaces.

    >>> one_line("Invalid record, first line: junk\\r\\n")
    'Invalid record, first line: junk'
    >>> one_line("a long message", 9)
    'a long...'
    """
    flat = " ".join(text.split())
    if max_chars is not None and len(flat) > max_chars:
        return flat[: max_chars - 3].rstrip() + "..."
    return flat
