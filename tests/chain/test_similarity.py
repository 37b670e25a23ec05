"""The answer-time embedder: what it caches, and that it never hands the model a batch too
large for the light encoder (a larger one would wait seconds for torch to load)."""

from __future__ import annotations

from bot.similarity import SentenceEmbedder
from index.embeddings import LIGHT_BATCH_MAX


class RecordingEmbeddings:
    """Embeds a text as its length and first letter, recording each batch it is given."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.queries: list[str] = []

    def embed_documents(self, texts):
        self.batches.append(len(texts))
        return [[float(len(t)), float(ord(t[0]))] for t in texts]

    def embed_query(self, text):
        self.queries.append(text)
        return [float(len(text)), float(ord(text[0]))]


def test_many_new_texts_are_embedded_in_light_batches():
    model = RecordingEmbeddings()
    embedder = SentenceEmbedder(model)
    words = [f"word{i}" for i in range(2 * LIGHT_BATCH_MAX + 5)]
    vectors = embedder.vectors(words)
    assert vectors.shape == (len(words), 2)
    assert max(model.batches) <= LIGHT_BATCH_MAX and sum(model.batches) == len(words)
    embedder.vectors(words[:10])  # cached: nothing more to embed
    assert sum(model.batches) == len(words)


def test_a_query_is_embedded_once():
    model = RecordingEmbeddings()
    embedder = SentenceEmbedder(model)
    embedder.query("which firms?")
    embedder.query("which firms?")
    assert model.queries == ["which firms?"]
