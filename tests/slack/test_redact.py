"""Secrets never reach log output: the redaction filter over messages, args and tracebacks."""

from __future__ import annotations

import logging

import pytest

from bot.slack.redact import REDACTED, SecretRedactor, install_redaction, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("token xoxb-123-456-abcDEF end", f"token {REDACTED} end"),
        ("xoxp-1-2-3 and xoxa-2-x", f"{REDACTED} and {REDACTED}"),
        ("app xapp-1-A0-123-abc", f"app {REDACTED}"),
        ("refresh xoxe.xoxb-1-abc", f"refresh {REDACTED}"),
        ("no secrets here, xoxo!", "no secrets here, xoxo!"),
        ("signing s3cr3t-value in url", f"signing {REDACTED} in url"),
    ],
)
def test_redact(text, expected):
    assert redact(text, ["s3cr3t-value"]) == expected


def test_filter_redacts_message_args_and_traceback():
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    logger = logging.getLogger("tests.redact")
    logger.propagate = False
    handler = Collect()
    logger.addHandler(handler)
    install_redaction(["plain-signing-secret"], logger)
    try:
        logger.warning("token %s and %s", "xoxb-1-2-secret", "plain-signing-secret")
        try:
            raise RuntimeError("failed with xapp-1-A-2-zzz")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    output = "\n".join(records)
    assert "xoxb-1-2-secret" not in output and "plain-signing-secret" not in output
    assert "xapp-1-A-2-zzz" not in output
    assert f"token {REDACTED} and {REDACTED}" in output
    assert f"RuntimeError: failed with {REDACTED}" in output


def test_longer_secret_is_replaced_whole():
    redactor = SecretRedactor(["abcdefgh", "abcdefgh-ijkl"])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "value abcdefgh-ijkl", None, None)
    redactor.filter(record)
    assert record.getMessage() == f"value {REDACTED}"


@pytest.mark.parametrize("short", ["s", "se", "secret"])
def test_a_secret_too_short_to_be_real_does_not_blank_out_ordinary_text(short):
    text = "sessions stay secret"
    assert redact(text, [short]) == text
    redactor = SecretRedactor([short])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, text, None, None)
    redactor.filter(record)
    assert record.getMessage() == text
