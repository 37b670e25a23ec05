"""Problems of the index layer; every message says what happened and what to run next."""

from __future__ import annotations

BUILD_HINT = "Run `batterybot index build` to create it."


class IndexProblem(Exception):
    """Base of every index-layer problem the CLI turns into a clear message."""


class IndexMissing(IndexProblem):
    """No usable index exists under the configured collection name."""


class IndexMismatch(IndexProblem):
    """The index was built with another embedding model or vector dimension."""


class IndexUnavailable(IndexProblem):
    """The Chroma server (or data directory) cannot be reached."""


def missing(collection: str, where: str) -> IndexMissing:
    """The collection has never been built (or its data was removed)."""
    return IndexMissing(f"No search index named '{collection}' was found in {where}. {BUILD_HINT}")


def other_model(collection: str, built_with: str, using: str) -> IndexMismatch:
    """The index was embedded with a different model than the one configured now."""
    return IndexMismatch(
        f"The index '{collection}' was built with the embedding model '{built_with}', "
        f"but '{using}' is configured now. Run `batterybot index build --rebuild` to re-embed "
        "the corpus with the configured model."
    )


def other_dimension(collection: str, built: int, using: int) -> IndexMismatch:
    """The stored vectors and the model's vectors have different lengths."""
    return IndexMismatch(
        f"The index '{collection}' holds {built}-dimensional vectors, but the configured "
        f"embedding model produces {using}-dimensional ones. Run "
        "`batterybot index build --rebuild` to re-embed the corpus."
    )


def unreachable(host: str, port: int, reason: str) -> IndexUnavailable:
    """The Chroma server did not answer."""
    return IndexUnavailable(
        f"Could not reach the Chroma server at {host}:{port} ({reason}). Start it with "
        f"`chroma run --path .data/chroma --host {host} --port {port}`, or unset "
        "BATTERYBOT_CHROMA_HOST to use the embedded index under the data directory."
    )


def unreadable(path: str, reason: str) -> IndexUnavailable:
    """The embedded store's directory cannot be opened."""
    return IndexUnavailable(
        f"Could not open the index directory {path} ({reason}). Check that it is writable, "
        "or point BATTERYBOT_DATA_DIR somewhere that is."
    )
