"""The sentence encoder's forward pass in NumPy, for the few texts embedded while answering.

all-MiniLM-L6-v2 is a six-layer BERT with mean pooling. Loading it through
sentence-transformers imports torch and transformers, about 10 s on a 2-core machine before
the first question can be embedded; this module needs only NumPy, the `tokenizers` package
and the same safetensors file (well under a second). It computes the same vectors as the
sentence-transformers model (tests compare the two), so an index built with one is searched
with the other. Index builds, which embed thousands of texts, keep the torch model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Texts are bucketed by token count so a short query is not padded to a long sentence's length.
_BATCH = 32
# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, below float32's resolution at 1.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    # In place where it can be: this runs over every token's 1,536 inner activations.
    magnitude = np.abs(x)
    t = magnitude * np.float32(_ERF_P)
    t += 1.0
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = (np.float32(a) for a in _ERF_A)
    poly = t * a5
    for coefficient in (a4, a3, a2, a1):
        poly += coefficient
        poly *= t
    np.square(magnitude, out=magnitude)
    np.negative(magnitude, out=magnitude)
    np.exp(magnitude, out=magnitude)
    poly *= magnitude
    np.subtract(1.0, poly, out=poly)
    return np.copysign(poly, x, out=poly)


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's "gelu" is the exact (erf) form, not the tanh approximation.
    result = _erf(x * np.float32(np.sqrt(0.5)))
    result += 1.0
    result *= x
    result *= 0.5
    return result


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (hidden, 3*hidden): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


class NumpyEncoder:
    """Mean-pooled, unit-length BERT sentence embeddings from a sentence-transformers folder."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        max_length = _max_seq_length(model_dir, config)
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        weights = load_file(str(model_dir / "model.safetensors"))
        w = {name.removeprefix("bert."): value for name, value in weights.items()}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [
            _layer(w, f"encoder.layer.{i}.") for i in range(int(config["num_hidden_layers"]))
        ]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of `texts`, one row each, in order."""
        if not texts:
            return np.zeros((0, self.word.shape[1]), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        result = np.zeros((len(texts), self.word.shape[1]), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            batch = order[start : start + _BATCH]
            result[batch] = self._forward([encodings[i].ids for i in batch])
        return result

    def word_vectors(self, text: str, layers: int) -> tuple[list[str], np.ndarray]:
        """Each word of `text` (lower-cased, as the tokenizer splits words) with its unit-length
        vector in context: its word pieces' states after the first `layers` layers, averaged.
        "plants" in "battery plants" lands near "facilities" in "manufacturing facilities",
        where the two words alone are far apart."""
        encoding = self.tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        hidden = self._states(ids, np.ones(ids.shape, dtype=np.float32), layers)
        pieces: dict[int, list[int]] = {}
        for position, word in enumerate(encoding.word_ids):
            if word is not None:
                pieces.setdefault(word, []).append(position)
        words, vectors = [], []
        for positions in pieces.values():
            start, end = encoding.offsets[positions[0]][0], encoding.offsets[positions[-1]][1]
            vector = hidden[0, positions].mean(axis=0)
            words.append(text[start:end].lower())
            vectors.append(vector / max(float(np.linalg.norm(vector)), 1e-12))
        width = self.word.shape[1]
        return words, np.asarray(vectors, dtype=np.float32).reshape(len(words), width)

    def _forward(self, token_ids: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), length), dtype=np.int64)
        mask = np.zeros((len(token_ids), length), dtype=np.float32)
        for row, row_ids in enumerate(token_ids):
            ids[row, : len(row_ids)] = row_ids
            mask[row, : len(row_ids)] = 1.0
        hidden = self._states(ids, mask, len(self.layers))
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _states(self, ids: np.ndarray, mask: np.ndarray, layers: int) -> np.ndarray:
        """Every token's state after the first `layers` layers (batch, tokens, width)."""
        hidden = self.word[ids] + self.position[: ids.shape[1]] + self.token_type
        hidden = _layer_norm(hidden, *self.norm0, self.eps)
        # Padding positions get -inf-like scores so no token attends to them.
        attention_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers[:layers]:
            hidden = self._block(hidden, layer, attention_bias)
        return hidden

    def _block(self, x: np.ndarray, layer: _Layer, attention_bias: np.ndarray) -> np.ndarray:
        batch, length, width = x.shape
        head = width // self.heads
        flat = x.reshape(batch * length, width)  # one matrix product, not one per text
        qkv = flat @ layer.qkv + layer.qkv_bias
        qkv = qkv.reshape(batch, length, 3, self.heads, head).transpose(2, 0, 3, 1, 4)
        query, key, value = qkv[0], qkv[1], qkv[2]
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + attention_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * length, width)
        flat = _layer_norm(context @ layer.out + layer.out_bias + flat, *layer.norm1, self.eps)
        inner = _gelu(flat @ layer.up + layer.up_bias)
        flat = _layer_norm(inner @ layer.down + layer.down_bias + flat, *layer.norm2, self.eps)
        return flat.reshape(batch, length, width)


def _layer(w: dict[str, np.ndarray], prefix: str) -> _Layer:
    def t(name: str) -> np.ndarray:
        return np.ascontiguousarray(w[prefix + name].T)  # stored (out, in); we multiply x @ W

    return _Layer(
        qkv=np.concatenate(
            [
                t("attention.self.query.weight"),
                t("attention.self.key.weight"),
                t("attention.self.value.weight"),
            ],
            axis=1,
        ),
        qkv_bias=np.concatenate(
            [w[prefix + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]
        ),
        out=t("attention.output.dense.weight"),
        out_bias=w[prefix + "attention.output.dense.bias"],
        norm1=(
            w[prefix + "attention.output.LayerNorm.weight"],
            w[prefix + "attention.output.LayerNorm.bias"],
        ),
        up=t("intermediate.dense.weight"),
        up_bias=w[prefix + "intermediate.dense.bias"],
        down=t("output.dense.weight"),
        down_bias=w[prefix + "output.dense.bias"],
        norm2=(w[prefix + "output.LayerNorm.weight"], w[prefix + "output.LayerNorm.bias"]),
    )


def _max_seq_length(model_dir: Path, config: dict) -> int:
    """sentence-transformers' limit (sentence_bert_config.json), else the model's own."""
    st_config = model_dir / "sentence_bert_config.json"
    if st_config.is_file():
        value = json.loads(st_config.read_text(encoding="utf-8")).get("max_seq_length")
        if value:
            return int(value)
    return int(config.get("max_position_embeddings", 512))


def supports(model_dir: Path) -> bool:
    """Whether `model_dir` is a BERT with mean pooling, the one shape this encoder computes."""
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    modules = model_dir / "modules.json"
    try:
        kinds = [m.get("type", "") for m in json.loads(modules.read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return False
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and pooling.get("pooling_mode_mean_tokens") is True
        and not any(
            pooling.get(k)
            for k in pooling
            if k.startswith("pooling_mode_") and "mean_tokens" not in k
        )
        and (model_dir / "tokenizer.json").is_file()
        and all(kind.endswith(("Transformer", "Pooling", "Normalize")) for kind in kinds)
    )
