"""The Slack face of batterybot: a Bolt app that answers through the answer chain."""

from bot.slack.app import Answerer, build_app
from bot.slack.client import SlackConfigError, make_web_client
from bot.slack.feedback import FeedbackStore, eval_candidates
from bot.slack.server import SlackHttpServer, check_config, run_slack, socket_mode_handler

__all__ = [
    "Answerer",
    "FeedbackStore",
    "SlackConfigError",
    "SlackHttpServer",
    "build_app",
    "check_config",
    "eval_candidates",
    "make_web_client",
    "run_slack",
    "socket_mode_handler",
]
