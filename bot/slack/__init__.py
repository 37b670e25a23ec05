"""The Slack face of batterybot: a Bolt app that answers through the answer chain."""

from bot.slack.app import Answerer, Workers, build_app, open_stores
from bot.slack.client import SlackConfigError, make_web_client
from bot.slack.feedback import FeedbackStore, eval_candidates
from bot.slack.server import SlackHttpServer, check_config, run_slack, socket_mode_handler
from bot.slack.state import SharedState

__all__ = [
    "Answerer",
    "FeedbackStore",
    "SharedState",
    "SlackConfigError",
    "SlackHttpServer",
    "Workers",
    "build_app",
    "check_config",
    "eval_candidates",
    "make_web_client",
    "open_stores",
    "run_slack",
    "socket_mode_handler",
]
