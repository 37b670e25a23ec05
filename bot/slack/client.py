"""The Slack Web API client, built from Settings, with retries for 429s and transient failures."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack import messages


class SlackConfigError(Exception):
    """Slack settings are missing or unusable; the message says which variable to set."""


def make_web_client(settings: Settings, *, timeout_s: int = 30) -> WebClient:
    """A WebClient for the bot token, at BATTERYBOT_SLACK_API_URL when set, retrying politely."""
    if settings.slack_bot_token is None or not settings.slack_bot_token.get_secret_value():
        raise SlackConfigError(messages.MISSING_BOT_TOKEN)
    base_url = settings.slack_api_url or WebClient.BASE_URL
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        timeout=timeout_s,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def verify_token(client: WebClient) -> None:
    """Call auth.test once; raise SlackConfigError saying what to fix when it fails."""
    try:
        client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown error") if error.response else "unknown error"
        raise SlackConfigError(messages.SLACK_AUTH_FAILED.format(error=code)) from None
    except OSError as error:  # DNS, refused, TLS, timeouts: urllib's errors are OSErrors
        reason = getattr(error, "reason", None) or error
        raise SlackConfigError(
            messages.SLACK_UNREACHABLE.format(url=client.base_url, reason=reason)
        ) from None
