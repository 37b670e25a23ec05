"""The `batterybot` command: the outermost skin. Each command builds objects and calls one function."""

from __future__ import annotations

import click

from bot.cli import answer_cmd, corpus_cmd, eval_cmd, index_cmd, slack_cmd
from bot.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """batterybot: grounded answers about Asia's battery-manufacturing dominance."""
    ctx.obj = Settings()


for module in (corpus_cmd, index_cmd, answer_cmd, slack_cmd, eval_cmd):
    module.register(main)
