"""`batterybot slack` configuration errors, `batterybot feedback export`, manifest, layering."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import main
from bot.records import Answer
from bot.settings import REPO_ROOT
from bot.slack import SlackConfigError, check_config
from bot.slack.feedback import FeedbackStore
from tests.slack.conftest import make_settings

_CLEAN_ENV = {
    name: None
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "BATTERYBOT_SLACK_BOT_TOKEN",
        "BATTERYBOT_SLACK_APP_TOKEN",
        "BATTERYBOT_SLACK_SIGNING_SECRET",
        "BATTERYBOT_FEEDBACK_DB",
        "BATTERYBOT_DATABASE_URL",
        "BATTERYBOT_CHROMA_HOST",
        "BATTERYBOT_SLACK_API_URL",
    )
}


@pytest.fixture
def run_cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env

    def run(args: list[str], **env: str):
        base = {**_CLEAN_ENV, "BATTERYBOT_DATA_DIR": str(tmp_path / "data"), **env}
        return CliRunner().invoke(main, args, env=base)

    return run


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (["slack"], {}, "SLACK_BOT_TOKEN"),
        (["slack", "--http"], {}, "SLACK_BOT_TOKEN"),
        (["slack"], {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_APP_TOKEN"),
        (["slack", "--http"], {"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_SIGNING_SECRET"),
        (
            ["slack"],
            {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_APP_TOKEN",
        ),
    ],
)
def test_missing_tokens_are_named(run_cli, args, env, named):
    result = run_cli(args, **env)
    assert result.exit_code == 1
    assert named in result.output
    assert "Traceback" not in result.output
    assert "xoxb-1-2-3" not in result.output


@pytest.mark.parametrize(
    ("overrides", "http", "expected"),
    [
        ({"slack_app_token": "xapp-1"}, None, False),
        ({"slack_app_token": None}, None, True),
        ({"slack_app_token": "xapp-1"}, True, True),
    ],
)
def test_check_config_picks_the_mode(tmp_path, overrides, http, expected):
    assert check_config(make_settings(tmp_path, **overrides), http=http) is expected


def test_check_config_without_app_token_or_secret(tmp_path):
    with pytest.raises(SlackConfigError, match="SLACK_APP_TOKEN"):
        check_config(make_settings(tmp_path, slack_signing_secret=None), http=None)


def test_feedback_export_without_database_is_explained(run_cli):
    result = run_cli(["feedback", "export"])
    assert result.exit_code == 1
    assert "No feedback database" in result.output


def test_feedback_export_writes_down_votes_as_eval_candidates(run_cli, tmp_path):
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    for question, verdict in (("Good?", "up"), ("Bad?", "down")):
        answer = Answer(
            question=question, rewritten_query=question, text=f"{question} [1]", abstained=False
        )
        answer_id = store.record_answer(user_id="U1", channel_id="C1", answer=answer)
        feedback_id = store.record_verdict(answer_id=answer_id, user_id="U2", verdict=verdict)
    store.add_comment(feedback_id, user_id="U2", comment="wrong country")
    store.close()

    out = tmp_path / "out" / "candidates.jsonl"
    result = run_cli(["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "id": f"feedback-{feedback_id}",
            "kind": "fact",
            "question": "Bad?",
            "answer_keys": [],
            "evidence": [],
            "must_not": [],
            "notes": "wrong country / bot answered: Bad? [1]",
        }
    ]
    to_stdout = run_cli(["feedback", "export"])
    assert json.loads(to_stdout.stdout.splitlines()[0])["question"] == "Bad?"


# Scopes each Web API method and event subscription needs (Slack's method and event pages).
METHOD_SCOPES = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "views_open": set(),
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
}
EVENT_SCOPES = {
    "app_mention": {"app_mentions:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
}


def test_manifest_requests_exactly_the_scopes_the_code_uses():
    import re

    manifest = yaml.safe_load((REPO_ROOT / "bot" / "slack_manifest.yaml").read_text())
    source = "\n".join(p.read_text() for p in (REPO_ROOT / "bot" / "slack").glob("*.py"))
    called = set(
        re.findall(r"\.((?:chat|conversations|views|reactions|auth|users|im)_\w+)\(", source)
    )
    assert called <= METHOD_SCOPES.keys(), called - METHOD_SCOPES.keys()
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    needed = {"commands"}.union(
        *(METHOD_SCOPES[m] for m in called), *(EVENT_SCOPES[e] for e in events)
    )
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert {"app_mention", "message.im", "message.channels"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/battery"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_slack_layer_only_talks_to_the_chain():
    forbidden = {"chromadb", "index", "corpus", "langchain", "torch", "sentence_transformers"}
    paths = sorted((REPO_ROOT / "bot" / "slack").glob("*.py"))
    assert len(paths) >= 8
    for path in paths:
        for name in _imports(path):
            assert name.split(".")[0] not in forbidden, (path, name)
            assert not name.startswith(("bot.cli", "bot.chain")), (path, name)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("case", "env", "says"),
    [
        ("invalid-token", {"SLACK_BOT_TOKEN": "xoxb-9-9-revoked"}, "Slack refused the bot token"),
        (
            "slack-down",
            {"BATTERYBOT_SLACK_API_URL": "http://127.0.0.1:9/api/"},
            "Could not reach Slack",
        ),
        (
            "postgres-down",
            {"BATTERYBOT_DATABASE_URL": "postgresql://bot:pw-hidden@127.0.0.1:9/bot"},
            "Could not connect to PostgreSQL",
        ),
        ("no-index", {}, "No search index named"),
        (
            "chroma-down",
            {"BATTERYBOT_CHROMA_HOST": "127.0.0.1", "BATTERYBOT_CHROMA_PORT": "9"},
            "Could not reach the Chroma server",
        ),
    ],
)
def test_start_up_problems_are_one_clear_line(run_cli, fake_api, case, env, says):
    from tests.fakes.slack_api import BOT_TOKEN

    base = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "a-signing-secret-123",
        "BATTERYBOT_SLACK_API_URL": fake_api.base_url,
    }
    result = run_cli(["slack", "--http", "--port", "0"], **{**base, **env})
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, (case, result.output)
    assert len(lines) == 1 and says in lines[0], (case, result.output)
    assert "Traceback" not in result.output and "pw-hidden" not in result.output


def test_feedback_purge_applies_the_retention_settings(run_cli, tmp_path):
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    answer = Answer(question="dm question", rewritten_query="q", text="t", abstained=False)
    old = store.record_answer(user_id="U1", channel_id="D1", answer=answer)
    rated = store.record_answer(user_id="U1", channel_id="C1", answer=answer)
    store.record_verdict(answer_id=rated, user_id="U2", verdict="down")
    fresh = store.record_answer(user_id="U1", channel_id="C1", answer=answer)
    ten_days_ago = "2000-01-01T00:00:00+00:00"
    store.database.run(
        lambda c: c.execute(
            "UPDATE answers SET created_at = ? WHERE id IN (?, ?)", (ten_days_ago, old, rated)
        )
    )
    store.close()

    result = run_cli(["feedback", "purge"], BATTERYBOT_ANSWER_RETENTION_DAYS="7")
    assert result.exit_code == 0, result.output
    assert "Deleted 1 answer(s) and 0 feedback row(s)" in result.output

    reopened = FeedbackStore(tmp_path / "data" / "feedback.sqlite3")
    try:
        assert reopened.answer(old) is None
        assert reopened.answer(rated) is not None and reopened.answer(fresh) is not None
    finally:
        reopened.close()
