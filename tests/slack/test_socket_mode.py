"""Socket Mode smoke test: a local WebSocket server stands in for Slack's Socket Mode endpoint."""

from __future__ import annotations

import pytest

from bot.slack import FeedbackStore, build_app, make_web_client, socket_mode_handler
from tests.fakes.slack_api import APP_TOKEN, FakeSocketModeServer
from tests.slack.conftest import event_envelope, make_settings

pytestmark = pytest.mark.integration


def test_events_over_socket_mode_are_acked_and_answered(tmp_path, fake_api, answerer):
    socket = FakeSocketModeServer().start()
    fake_api.socket_mode_url = socket.url
    settings = make_settings(
        tmp_path, fake_api, slack_app_token=APP_TOKEN, slack_signing_secret=None
    )
    feedback = FeedbackStore(settings.feedback_path)
    app = build_app(settings, answerer, client=make_web_client(settings), feedback=feedback)
    handler = socket_mode_handler(app, settings)
    try:
        handler.connect()
        socket.wait_connected()
        assert (
            fake_api.calls("apps.connections.open")[0].headers["authorization"]
            == f"Bearer {APP_TOKEN}"
        )

        event = {
            "type": "message",
            "channel_type": "im",
            "channel": "DASKER001",
            "user": "UASKER001",
            "text": "Who leads cell making?",
            "ts": "1700000100.000100",
        }
        socket.send(
            {
                "envelope_id": "env-0001",
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
                "payload": event_envelope(event),
            }
        )
        ack = socket.wait_for_ack("env-0001")
        assert ack == {"envelope_id": "env-0001"} or ack.get("envelope_id") == "env-0001"
        update = fake_api.wait_for("chat.update")[0]
        assert update.params["channel"] == "DASKER001"
        assert "Asia's battery dominance" in str(update.params["blocks"])
        assert answerer.calls == [("Who leads cell making?", ())]
    finally:
        handler.close()
        socket.stop()
        feedback.close()
