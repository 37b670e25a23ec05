"""`batterybot slack` (run the Slack bot), `batterybot feedback export` and `purge`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.settings import Settings


@click.command("slack")
@click.option(
    "--http", "http", is_flag=True, help="Serve the Events API over HTTP instead of Socket Mode."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP mode: address to bind.")
@click.option("--port", default=3000, show_default=True, type=int, help="HTTP mode: port to bind.")
@click.pass_obj
def slack_command(settings: Settings, http: bool, host: str, port: int) -> None:
    """Run the Slack bot: Socket Mode (SLACK_APP_TOKEN), or the Events API with --http."""
    from bot.cli.answer_cmd import open_chain
    from bot.slack import SlackConfigError, check_config, make_web_client, open_stores, run_slack
    from bot.slack.client import verify_token
    from bot.slack.db import DatabaseError

    # Every start-up problem is one line saying what to fix, checked cheapest first.
    try:
        check_config(settings, http=http)
        client = make_web_client(settings)
        verify_token(client)
        feedback, _ = open_stores(settings)
    except (SlackConfigError, DatabaseError) as error:
        raise click.ClickException(str(error)) from None
    chain = open_chain(settings)
    try:
        run_slack(
            settings,
            chain.answer,
            http=http,
            host=host,
            port=port,
            feedback=feedback,
            client=client,
            version=f"index {chain.index_version}" if chain.index_version else None,
        )
    except SlackConfigError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # e.g. the port is taken
        raise click.ClickException(f"Could not serve on {host}:{port} ({error}).") from None
    except KeyboardInterrupt:
        click.echo("Slack bot stopped.", err=True)
    finally:
        feedback.close()
        feedback.database.close()


@click.group("feedback")
def feedback_group() -> None:
    """Feedback people gave on answers in Slack."""


@feedback_group.command("export")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the JSONL here instead of standard output.",
)
@click.pass_obj
def export_command(settings: Settings, out: Path | None) -> None:
    """Write 👎 answers as candidate eval cases (one JSON object per line) to curate."""
    from bot.slack import open_stores
    from bot.slack.db import DatabaseError
    from bot.slack.feedback import eval_candidates

    if settings.database_url is None and not settings.feedback_path.exists():
        raise click.ClickException(
            f"No feedback database at {settings.feedback_path} yet: nobody has rated an answer. "
            "Run the Slack bot first, or set BATTERYBOT_FEEDBACK_DB."
        )
    try:
        store, _ = open_stores(settings)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    try:
        cases = eval_candidates(store.items(verdict="down"))
    finally:
        store.database.close()
    lines = "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)
    if out is None:
        sys.stdout.write(lines)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(lines, encoding="utf-8")
    click.echo(f"Exported {len(cases)} candidate eval case(s) from 👎 feedback.", err=True)


@feedback_group.command("purge")
@click.option(
    "--answer-days",
    type=float,
    default=None,
    help="Delete answers nobody rated that are older than this (default: the setting).",
)
@click.option(
    "--feedback-days",
    type=float,
    default=None,
    help="Delete rated answers and their feedback older than this (default: the setting).",
)
@click.pass_obj
def purge_command(
    settings: Settings, answer_days: float | None, feedback_days: float | None
) -> None:
    """Apply the retention policy now (the running bot also applies it hourly)."""
    from bot.slack import open_stores
    from bot.slack.db import DatabaseError

    try:
        store, state = open_stores(settings)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    try:
        purged = store.purge(
            answer_days=settings.answer_retention_days if answer_days is None else answer_days,
            feedback_days=(
                settings.feedback_retention_days if feedback_days is None else feedback_days
            ),
        )
        state.expire()
    finally:
        store.database.close()
    click.echo(
        f"Deleted {purged.answers} answer(s) and {purged.feedback} feedback row(s) "
        f"from {store.database.where}."
    )


def register(main: click.Group) -> None:
    """Attach this module's commands to the top-level group."""
    main.add_command(slack_command)
    main.add_command(feedback_group)
