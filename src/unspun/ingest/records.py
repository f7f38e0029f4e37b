"""Build :class:`~unspun.records.Article` values from loosely structured records.

Every reader ends up here or uses the helpers below, so the same article gets the
same id, outlet and date whichever format it came in.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from unspun.records import Article, Rejected

logger = logging.getLogger(__name__)

#: Keys tried, in order, for the outlet (site or agency name).
OUTLET_KEYS: tuple[str, ...] = ("outlet", "source", "site_name")
#: Keys tried, in order, for the publication date.
PUBLISHED_KEYS: tuple[str, ...] = ("published", "date", "publish_date")

_JSON_TYPE_NAMES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def type_name(value: object) -> str:
    """Name the type of a decoded JSON value the way JSON calls it.

    Args:
        value: Any value, usually from a parsed JSON document.

    Returns:
        ``object``, ``array``, ``string``, ... or the Python type name otherwise.
    """
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _normalise_for_hash(value: str) -> str:
    return " ".join(value.split()).casefold()


def content_id(title: str, text: str) -> str:
    """Return the content-hash id of an article that has no id of its own.

    Whitespace runs are collapsed and case is folded first, so re-wrapped or
    re-cased copies of the same article get the same id.

    Args:
        title: Headline (may be empty).
        text: Body text.

    Returns:
        ``"sha1-"`` followed by the first 16 hex digits of the SHA-1 digest.
    """
    key = _normalise_for_hash(title) + "\n" + _normalise_for_hash(text)
    return "sha1-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def outlet_from_url(url: str | None) -> str | None:
    """Derive an outlet name from a URL's host.

    Args:
        url: An absolute URL, or ``None``.

    Returns:
        The host in lower case without a leading ``www.``, or ``None`` when the
        URL has no host.
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def normalise_published(value: object) -> str | None:
    """Normalise an ISO 8601 date or date-time to a canonical string.

    Dates become ``YYYY-MM-DD``. Date-times lose sub-second digits and become
    ``YYYY-MM-DDTHH:MM:SS``; those with a UTC offset are converted to UTC and end
    in ``+00:00``.

    Args:
        value: The raw field value (anything; only strings can parse).

    Returns:
        The normalised string, or ``None`` when the value is not a parsable ISO
        8601 date or date-time.
    """
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat()


def _optional_str(
    obj: Mapping[str, object], key: str, origin: str
) -> tuple[str | None, Rejected | None]:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        stripped = value.strip() if value is not None else ""
        return (stripped or None), None
    return None, Rejected(origin, f"'{key}' must be a string or null, got {type_name(value)}")


def _record_id(obj: Mapping[str, object], origin: str) -> tuple[str | None, Rejected | None]:
    value = obj.get("id")
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, Rejected(origin, f"'id' must be a string or integer, got {type_name(value)}")
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, str):
        return (value.strip() or None), None
    return None, Rejected(origin, f"'id' must be a string or integer, got {type_name(value)}")


def _outlet(obj: Mapping[str, object], origin: str) -> tuple[str | None, Rejected | None]:
    for key in OUTLET_KEYS:
        value = obj.get(key)
        if isinstance(value, Mapping):
            # News APIs often nest the outlet as {"id": ..., "name": "..."}.
            value = value.get("name")
            if value is not None and not isinstance(value, str):
                reason = f"'{key}.name' must be a string or null, got {type_name(value)}"
                return None, Rejected(origin, reason)
        if value is None:
            continue
        if not isinstance(value, str):
            return None, Rejected(
                origin, f"'{key}' must be a string or null, got {type_name(value)}"
            )
        if value.strip():
            return value.strip(), None
    return None, None


def _published(obj: Mapping[str, object], origin: str) -> str | None:
    for key in PUBLISHED_KEYS:
        value = obj.get(key)
        if value is None or value == "":
            continue
        parsed = normalise_published(value)
        if parsed is not None:
            return parsed
        logger.debug("%s: ignoring unparsable %r value %r", origin, key, value)
    return None


def article_from_mapping(obj: Mapping[str, object], *, origin: str) -> Article | Rejected:
    """Turn one decoded record (e.g. a JSON object) into an article.

    Recognised keys: ``id``, ``title``, ``text``, ``url``, the outlet aliases
    ``outlet`` / ``source`` / ``site_name`` and the date aliases ``published`` /
    ``date`` / ``publish_date``. Other keys are ignored. A missing id becomes a
    content hash (see :func:`content_id`), a missing outlet is derived from the
    URL's host, and an unparsable date is dropped rather than rejected.

    Args:
        obj: The record.
        origin: Where it came from (``path`` or ``path:line``), for messages.

    Returns:
        The article, or a :class:`~unspun.records.Rejected` saying which field is
        missing or has the wrong type.
    """
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        return Rejected(origin, f"'text' must be a string, got {type_name(text)}")
    if text is None or not text.strip():
        return Rejected(origin, "missing or empty 'text' field")

    title_value = obj.get("title")
    if title_value is not None and not isinstance(title_value, str):
        return Rejected(origin, f"'title' must be a string or null, got {type_name(title_value)}")
    title = (title_value or "").strip()

    record_id, problem = _record_id(obj, origin)
    if problem is not None:
        return problem
    url, problem = _optional_str(obj, "url", origin)
    if problem is not None:
        return problem
    outlet, problem = _outlet(obj, origin)
    if problem is not None:
        return problem

    return Article(
        id=record_id or content_id(title, text),
        title=title,
        text=text,
        url=url,
        outlet=outlet or outlet_from_url(url),
        published=_published(obj, origin),
        origin=origin,
    )
