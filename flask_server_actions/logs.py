"""What the library logs: refused and stale posts, on one named logger.

Every message goes to the ``flask_server_actions`` logger. Posts refused as
forged (a token that does not open) are logged at ``WARNING``; expected
refusals (a stale or expired form, a post over a size limit, a throttled
client) at ``INFO``. Nothing is logged at ``ERROR``: a client's bad request
is not a fault of the app, and error trackers should not page anyone for it.

When logging is not configured for ``flask_server_actions`` (nor for the
root logger), the records go to the handlers of the app's own logger
(:attr:`flask.Flask.logger`), at its level: so an app that hands
``app.logger`` gunicorn's error log handlers, as is usual, sees them there.

Text a request controls (its path, why its token was refused) is escaped
before it is logged, so a ``%0A`` in a URL cannot forge a log line: line
breaks and other control characters are written as ``\\x0a``-style escapes,
and a backslash as two.
"""

from __future__ import annotations

import logging

from flask import current_app

#: The library's logger.
logger = logging.getLogger("flask_server_actions")

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({0x5C: "\\\\", 0x2028: "\\u2028", 0x2029: "\\u2029"})


class _Escaped(str):
    # Escaped for "%s"; for "%r", the repr of the text, which Python escapes.
    _text: str

    def __new__(cls, value: object) -> _Escaped:
        text = str(value)
        escaped = super().__new__(cls, text.translate(_ESCAPES))
        escaped._text = text
        return escaped

    def __repr__(self) -> str:
        return repr(self._text)


def escape(value: object) -> str:
    """``value`` as text that stays on one log line and cannot be mistaken
    for the log's own formatting, whether a message writes it with ``%s``
    (control characters as ``\\x0a``, a backslash doubled) or with ``%r``
    (Python's ``repr`` of its text)."""
    return _Escaped(value)


def log(level: int, message: str, *args: object) -> None:
    """Log ``message % args`` with every argument escaped.

    :param message: the library's own text, with ``%s`` for each argument.
    :param args: values a request may control.
    """
    escaped = tuple(escape(arg) for arg in args)
    if logger.hasHandlers():
        logger.log(level, message, *escaped)
        return
    app_logger = current_app.logger
    # A level set on the library's logger still counts; else the app's.
    chooser = logger if logger.level or logger.disabled else app_logger
    if chooser.isEnabledFor(level):
        app_logger.handle(logger.makeRecord(logger.name, level, __name__, 0, message,
                                            escaped, None))


def info(message: str, *args: object) -> None:
    """Log an expected refusal (stale form, size limit, throttled client)."""
    log(logging.INFO, message, *args)


def warning(message: str, *args: object) -> None:
    """Log a suspicious refusal (a token that does not open)."""
    log(logging.WARNING, message, *args)
