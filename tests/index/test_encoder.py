"""The NumPy forward pass computes the sentence-transformers model's vectors, without torch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from bot.settings import Settings
from index import encoder
from index.embeddings import LIGHT_BATCH_MAX, resolve_model_path

TEXTS = [
    "what has the US put on Chinese batteries?",
    "Asia's Dominance in Battery Manufacturing — China: CATL and BYD lead the market.",
    "x",
    "",
    "Ünïcödé 電池 test — ROK's LG Energy Solution, 20% & $3.5bn",
    "CATL " * 400,  # longer than the model's 256-token limit: truncated the same way
]


def test_numpy_vectors_match_the_sentence_transformers_model(settings: Settings) -> None:
    from sentence_transformers import SentenceTransformer

    path = resolve_model_path(settings.embedding_model)
    reference = SentenceTransformer(str(path), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    ours = encoder.NumpyEncoder(path).encode(TEXTS)
    assert ours.shape == reference.shape
    assert np.abs(ours - reference).max() < 1e-5


def test_batches_of_mixed_lengths_keep_input_order(settings: Settings) -> None:
    model = encoder.NumpyEncoder(resolve_model_path(settings.embedding_model))
    together = model.encode(TEXTS)
    one_by_one = np.stack([model.encode([t])[0] for t in TEXTS])
    assert np.abs(together - one_by_one).max() < 1e-5


def test_word_vectors_are_the_models_states_after_the_asked_layers(settings: Settings) -> None:
    import torch
    from transformers import AutoModel

    path = resolve_model_path(settings.embedding_model)
    text = "China's battery plants"
    numpy_model = encoder.NumpyEncoder(path)
    words, vectors = numpy_model.word_vectors(text, 4)
    assert words == ["china", "'", "s", "battery", "plants"]
    model = AutoModel.from_pretrained(str(path), local_files_only=True)
    tokens = numpy_model.tokenizer.encode(text).ids  # unpadded: no attention mask needed
    with torch.no_grad():
        states = model(torch.tensor([tokens]), output_hidden_states=True).hidden_states[4][0]
    # each of these words is one word piece; [CLS] comes first
    for row, state in enumerate(states[1 : len(words) + 1].numpy()):
        assert np.abs(vectors[row] - state / np.linalg.norm(state)).max() < 1e-4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_word_in_context_comes_close_to_its_paraphrase(settings: Settings) -> None:
    """Alone, "plants" and "facilities" are far apart; read in their sentences they meet."""
    model = encoder.NumpyEncoder(resolve_model_path(settings.embedding_model))
    asked = dict(
        zip(*model.word_vectors("how many of the planet's battery plants?", 4), strict=True)
    )
    found = model.word_vectors("70% of the world's battery manufacturing facilities", 4)
    found = dict(zip(*found, strict=True))
    alone = model.encode(["plants", "facilities"])
    assert float(asked["plants"] @ found["facilities"]) > float(alone[0] @ alone[1]) + 0.1
    assert float(asked["planet"] @ found["world"]) > float(asked["planet"] @ found["battery"])


def test_answering_embeds_without_importing_torch(settings: Settings) -> None:
    # A question and a small batch go through NumPy; `torch` must stay unimported.
    script = (
        "import sys\n"
        "from index.embeddings import make_embeddings\n"
        f"e = make_embeddings({settings.embedding_model!r}, {settings.embedding_sha256!r})\n"
        "e.embed_query('which firms lead?')\n"
        f"e.embed_documents(['a sentence'] * {LIGHT_BATCH_MAX})\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]


def test_a_model_of_another_shape_is_not_claimed(settings: Settings, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    source = resolve_model_path(settings.embedding_model)
    shutil.copytree(source, model_dir, ignore=shutil.ignore_patterns("*.safetensors"))
    assert encoder.supports(model_dir)
    pooling = model_dir / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config["pooling_mode_cls_token"] = True
    pooling.write_text(json.dumps(config))
    assert not encoder.supports(model_dir)
