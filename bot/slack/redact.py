"""A logging filter that keeps Slack tokens and the signing secret out of every log line."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_TOKEN = re.compile(r"\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+")
REDACTED = "[redacted]"
# Real Slack secrets are dozens of characters; replacing a shorter string would blank out
# ordinary words in every log line (a one-letter "secret" would eat every "s").
MIN_SECRET_CHARS = 8


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace Slack token shapes (xoxb-, xoxp-, xapp-, …) and the given secrets with a marker."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_CHARS:
            text = text.replace(secret, REDACTED)
    return _TOKEN.sub(REDACTED, text)


class SecretRedactor(logging.Filter):
    """Rewrites each record's message and traceback text with secrets redacted."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True
        )

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


def install_redaction(
    secrets: Iterable[str], logger: logging.Logger | None = None
) -> SecretRedactor:
    """Attach a SecretRedactor to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    redactor = SecretRedactor(secrets)
    for handler in target.handlers:
        handler.addFilter(redactor)
    return redactor
