"""Exceptions raised by unspun.

Every exception a user can trigger derives from :class:`UnspunError` and carries a
message that names the file or value at fault and, where there is one, the fix::

    UnspunError
    ├── InputError                a file or record the user gave cannot be used
    │   └── TooLongError          an article too long to trace or check
    ├── StoreError                the index on disk cannot be opened or written
    │   ├── ParamsMismatchError   opened with parameters that differ from the stamp
    │   ├── IndexLockedError      another writer holds the index
    │   └── DiskFullError         the disk filled up while writing (nothing committed is lost)
    ├── WorkerError               a process preparing articles ended abruptly
    ├── MissingExtraError         an optional dependency is not installed
    └── MissingModelError         a model file that ships with unspun is not installed

A *record* that cannot be read is not an exception: readers yield a
:class:`unspun.records.Rejected` value and carry on with the next record.
"""

from __future__ import annotations


class UnspunError(Exception):
    """Base class of every error unspun raises on purpose."""


class InputError(UnspunError):
    """A file, path or record given by the user cannot be used."""


class TooLongError(InputError):
    """An article is longer than unspun traces or checks (``MAX_ARTICLE_CHARS``)."""


class StoreError(UnspunError):
    """The index on disk cannot be opened, read or written."""


class ParamsMismatchError(StoreError):
    """The index was built with other fingerprint parameters than the ones requested."""


class IndexLockedError(StoreError):
    """Another process is writing to the index."""


class DiskFullError(StoreError):
    """The disk (or a quota) filled up while writing; what was committed before is kept."""


class WorkerError(UnspunError):
    """A worker process preparing articles ended abruptly (killed, out of memory, or
    started from a script without a ``__main__`` guard)."""


class MissingExtraError(UnspunError):
    """An optional dependency is needed for this feature but is not installed."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        super().__init__(f"{feature} needs the '{package}' package: pip install 'unspun[{extra}]'")
        self.package = package
        self.extra = extra


class MissingModelError(UnspunError):
    """A model file that ships inside the package is not there (a broken install)."""
