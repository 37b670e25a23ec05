"""Errors the chain raises for its callers (Slack, CLI, evals) to turn into a message."""

from __future__ import annotations


class BackendUnavailable(Exception):
    """The knowledge base (vector store) could not be reached; try again shortly."""
