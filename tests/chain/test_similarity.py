"""The answer-time embedder: what it caches, and that it never hands the model a batch too
large for the light encoder (a larger one would wait seconds for torch to load)."""

from __future__ import annotations

import numpy as np

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


class WordReadingEmbeddings(RecordingEmbeddings):
    """Reads each word as a fixed vector: "plant" and "facility" point the same way."""

    AXES = {"plants": [1.0, 0.0], "facilities": [1.0, 0.0], "battery": [0.0, 1.0]}

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def word_vectors(self, text, layers):
        self.read.append(text)
        words = text.lower().split()
        vectors = [self.AXES.get(w, [0.6, 0.8]) for w in words]
        return words, np.asarray(vectors, dtype=np.float32)


def test_words_met_averages_each_terms_best_match_in_context():
    embedder = SentenceEmbedder(WordReadingEmbeddings())
    # "plants" meets "facilities" (1.0); "battery" meets nothing of the text better than 0.8
    [met] = embedder.words_met("battery plants", ["battery", "plant"], ["the facilities grew"])
    assert abs(met - (0.8 + 1.0) / 2) < 1e-3
    # a term the query does not spell is not counted
    [met] = embedder.words_met("battery plants", ["plant", "cobalt"], ["facilities"])
    assert abs(met - 1.0) < 1e-3


def test_words_are_read_once_per_text():
    model = WordReadingEmbeddings()
    embedder = SentenceEmbedder(model)
    for _ in range(3):
        embedder.words_met("battery plants", ["plant"], ["the facilities grew"])
    assert sorted(model.read) == ["battery plants", "the facilities grew"]


def test_a_model_that_cannot_read_words_in_context_meets_nothing():
    assert SentenceEmbedder(RecordingEmbeddings()).words_met("a b", ["b"], ["b c"]) is None
