"""Suggest themes for an audit finding.

How a finding is scored against each theme (both backends):

1. **Similar coded findings** ("examples"): the mean similarity of the finding to the ``k`` most
   similar examples coded to that theme (a k-nearest-neighbour score per theme).
2. **The taxonomy's own words**: the highest similarity to the theme's name, definition and
   sub-theme definitions (and keywords, unless ``keywords=False``), each used as a
   pseudo-example; weighted by ``description_weight``. A theme's score is the larger of 1 and 2,
   so a theme with no examples can still be suggested from its definition.
3. Scores are standardised across the themes for each finding (z-scores), and the parts mixed:

   - ``tfidf`` (no model): similarity is the cosine of TF-IDF vectors of words (1-2-grams) and
     characters (2-5-grams within words); mixed with a linear model (ridge regression onto the
     themes) trained on the same TF-IDF vectors (examples plus pseudo-examples).
   - ``embeddings`` (the ``maqa[ml]`` extra): the same TF-IDF kNN part, mixed with the kNN and
     definition similarity computed on all-MiniLM-L6-v2 sentence embeddings.

The themes applied are the best one, plus up to ``max_themes - 1`` more whose score is at least
``min_score`` and within ``max_gap`` of the best. Those two thresholds are chosen by
cross-validation *inside the examples* (leave one group out when the examples say which audit
they come from, else 5-fold), maximising macro-F1 as the scorer computes it, and with the
keywords left out of the pseudo-examples (keywords are written from coded findings, so with them
the held-out folds look easier than new findings are). Without examples, fixed defaults are used.

Polarity (concern / strength / action) is accepted but does not change the scores: it is a
separate field of a finding, not a theme, and using it did not help on the seeds (see
docs/theme-suggestions.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from maqa.suggestions import embeddings as emb
from maqa.suggestions.metrics import score
from maqa.suggestions.taxonomy import Taxonomy

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Matrix = NDArray[np.float64]

Method = Literal["auto", "tfidf", "embeddings"]
METHODS: tuple[str, ...] = ("auto", "tfidf", "embeddings")
#: A coded finding: (text, polarity or None, theme slugs). Sub-theme slugs count as their parent.
Example = tuple[str, str | None, Sequence[str]]


@dataclass(frozen=True)
class Params:
    """The method's settings. Defaults were chosen on the seeds' leave-one-audit-out results
    (docs/theme-suggestions.md); the thresholds are not here: they are cross-validated."""

    k: int = 4  # kNN: mean similarity of the k most similar examples of a theme
    description_weight: float = 1.2  # weight of the similarity to the taxonomy's own words
    lr_weight: float = 0.3  # tfidf: share of the linear (ridge) model against the kNN part
    ridge_alpha: float = 1.0
    lr_description_weight: float = 3.0  # sample weight of a pseudo-example in the ridge model
    embedding_weight: float = 0.5  # embeddings: share of the embedding part against TF-IDF
    embedding_lr: bool = False  # embeddings: keep the ridge model in the TF-IDF part
    max_themes: int = 3
    # used when there are too few examples to cross-validate thresholds
    default_min_score: float = 2.0
    default_max_gap: float = 1.0
    # pseudo-examples from the sub-themes' definitions (off only to measure how much they help)
    subtheme_definitions: bool = True
    min_examples_for_cv: int = 20
    folds: int = 5
    seed: int = 0


MIN_SCORES: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0)
MAX_GAPS: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, math.inf)


@dataclass(frozen=True)
class Suggestion:
    themes: list[str]  # the top-level slugs it would apply, best first; never empty
    ranked: list[tuple[str, float]]  # every theme, best first, with its (relative) score

    @property
    def ranked_slugs(self) -> list[str]:
        return [slug for slug, _ in self.ranked]


@dataclass(frozen=True)
class Thresholds:
    min_score: float
    max_gap: float
    source: str  # how they were chosen


def resolve_method(requested: str) -> tuple[str, str | None]:
    """(the method that will run, why 'auto' fell back to tfidf or None)."""
    if requested not in METHODS:
        raise ValueError(f"unknown method {requested!r}; use one of {', '.join(METHODS)}")
    if requested == "tfidf":
        return "tfidf", None
    reason = emb.unavailable_reason()
    if requested == "embeddings":
        if reason:
            raise emb.EmbeddingsUnavailable(f"the embeddings method cannot run: {reason}")
        return "embeddings", None
    return ("tfidf", reason) if reason else ("embeddings", None)


def _zscore(m: Matrix) -> Matrix:
    import numpy as np

    centred = m - m.mean(axis=1, keepdims=True)
    spread = centred.std(axis=1, keepdims=True)
    return np.asarray(centred / np.where(spread > 1e-12, spread, 1.0), dtype=np.float64)


def _knn_scores(
    sim_examples: Matrix,
    sim_descriptions: Matrix,
    example_classes: list[NDArray[np.intp]],
    description_classes: list[NDArray[np.intp]],
    k: int,
    weight: float,
) -> Matrix:
    import numpy as np

    n = sim_examples.shape[0] if sim_examples.size else sim_descriptions.shape[0]
    out = np.zeros((n, len(description_classes)))
    for c, (ex, ds) in enumerate(zip(example_classes, description_classes, strict=True)):
        near = np.zeros(n)
        if ex.size:
            cols = sim_examples[:, ex]
            top = min(k, ex.size)
            near = np.partition(cols, cols.shape[1] - top, axis=1)[:, -top:].mean(axis=1)
        described = sim_descriptions[:, ds].max(axis=1) if ds.size else np.zeros(n)
        out[:, c] = np.maximum(near, weight * described)
    return out


class _Scorer:
    """Scores texts against the themes, from one set of examples (and the descriptions)."""

    def __init__(
        self,
        params: Params,
        n_classes: int,
        example_texts: list[str],
        example_labels: list[list[int]],
        description_texts: list[str],
        description_labels: list[int],
        example_vectors: Matrix | None,
        description_vectors: Matrix | None,
    ) -> None:
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.params = params
        self.n_classes = n_classes
        self.example_classes = [
            np.array([i for i, ls in enumerate(example_labels) if c in ls], dtype=np.intp)
            for c in range(n_classes)
        ]
        self.description_classes = [
            np.array([i for i, lab in enumerate(description_labels) if lab == c], dtype=np.intp)
            for c in range(n_classes)
        ]
        self.vectorizers = [
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        ]
        for vectorizer in self.vectorizers:
            vectorizer.fit(example_texts + description_texts)
        self.x_examples = self._tfidf(example_texts)
        self.x_descriptions = self._tfidf(description_texts)
        self.example_vectors = example_vectors
        self.description_vectors = description_vectors
        self.use_embeddings = description_vectors is not None
        self.use_lr = params.lr_weight > 0 and (not self.use_embeddings or params.embedding_lr)
        self.lr: Any = None
        self.lr_classes: NDArray[np.intp] = np.zeros(0, dtype=np.intp)
        if self.use_lr:
            self._fit_lr(example_labels, description_labels)

    def _tfidf(self, texts: list[str]) -> Any:
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        if not texts:
            return None
        return normalize(sp.hstack([v.transform(texts) for v in self.vectorizers]).tocsr())

    def _fit_lr(self, example_labels: list[list[int]], description_labels: list[int]) -> None:
        """A linear model on the TF-IDF vectors: ridge regression onto the themes (one output
        per theme), solved in its dual form, which is exact and takes milliseconds here
        (a few hundred rows, many thousand features)."""
        import numpy as np
        import scipy.sparse as sp

        parts = [self.x_descriptions]
        if self.x_examples is not None:
            parts.insert(0, self.x_examples)
        x = sp.vstack(parts).tocsr()
        n_ex = len(example_labels)
        y = np.zeros((x.shape[0], self.n_classes))
        for i, labels in enumerate(example_labels):
            y[i, labels] = 1.0
        for j, lab in enumerate(description_labels):
            y[n_ex + j, lab] = 1.0
        w = np.array([1.0] * n_ex + [self.params.lr_description_weight] * len(description_labels))
        gram = (x @ x.T).toarray()
        dual = np.linalg.solve(gram + np.diag(self.params.ridge_alpha / w), y)
        self.lr = np.asarray((x.T @ dual), dtype=np.float64)  # features x themes
        self.lr_classes = np.arange(self.n_classes, dtype=np.intp)

    def scores(self, texts: list[str], vectors: Matrix | None) -> Matrix:
        import numpy as np

        p = self.params
        x = self._tfidf(texts)
        sim_ex = (
            (x @ self.x_examples.T).toarray()
            if self.x_examples is not None
            else np.zeros((len(texts), 0))
        )
        sim_desc = (x @ self.x_descriptions.T).toarray()
        tfidf = _zscore(
            _knn_scores(
                sim_ex,
                sim_desc,
                self.example_classes,
                self.description_classes,
                p.k,
                p.description_weight,
            )
        )
        if self.use_lr and self.lr is not None:
            linear = np.asarray(x @ self.lr, dtype=np.float64)
            tfidf = (1 - p.lr_weight) * tfidf + p.lr_weight * _zscore(linear)
        if not self.use_embeddings or vectors is None:
            return tfidf
        assert self.description_vectors is not None
        e_ex = (
            vectors @ self.example_vectors.T
            if self.example_vectors is not None and self.example_vectors.size
            else np.zeros((len(texts), 0))
        )
        e_desc = vectors @ self.description_vectors.T
        embedded = _zscore(
            _knn_scores(
                e_ex,
                e_desc,
                self.example_classes,
                self.description_classes,
                p.k,
                p.description_weight,
            )
        )
        return np.asarray(
            (1 - p.embedding_weight) * tfidf + p.embedding_weight * embedded, dtype=np.float64
        )


def _apply(
    row: NDArray[np.float64], order: NDArray[np.intp], t: Thresholds, max_themes: int
) -> list[int]:
    best = row[order[0]]
    chosen = [int(order[0])]
    for c in order[1:max_themes]:
        if row[c] >= t.min_score and best - row[c] <= t.max_gap:
            chosen.append(int(c))
        else:
            break
    return chosen


@dataclass
class Suggester:
    """Suggests themes for findings. ``fit`` first, then ``suggest`` / ``suggest_many``.

    ``method``: "auto" (embeddings when the ML extra is installed, else tfidf), "tfidf" or
    "embeddings" (an error if it cannot run). ``keywords=False`` leaves the taxonomy's keywords
    out of the pseudo-examples (as the leave-one-audit-out evaluation must: they were written
    from the seeds). After fit, :attr:`method` is the backend that actually runs.
    """

    requested_method: str = "auto"
    keywords: bool = True
    params: Params = field(default_factory=Params)
    embedder: emb.MiniLMEmbedder | None = None

    def __post_init__(self) -> None:
        self._method, self.fallback_reason = resolve_method(self.requested_method)
        self.load_seconds = 0.0
        if self._method == "embeddings" and self.embedder is None:
            started = time.perf_counter()
            try:
                self.embedder = emb.MiniLMEmbedder()
            except emb.EmbeddingsUnavailable as exc:
                if self.requested_method != "auto":
                    raise
                self._method, self.fallback_reason = "tfidf", str(exc)
            self.load_seconds = time.perf_counter() - started
        self._scorer: _Scorer | None = None
        self.thresholds = Thresholds(
            self.params.default_min_score, self.params.default_max_gap, "defaults"
        )
        self.classes: list[str] = []
        self.n_examples = 0
        self.fit_seconds = 0.0

    @property
    def method(self) -> str:
        """The backend actually used: "tfidf" or "embeddings"."""
        return self._method

    def describe(self) -> str:
        """One line for people: the method, model, examples and how thresholds were chosen."""
        if self._method == "embeddings" and self.embedder is not None:
            what = f"embeddings ({self.embedder.describe()}, with TF-IDF)"
        else:
            what = "tfidf (TF-IDF word and character n-grams, kNN and ridge regression; no model)"
            if self.requested_method == "auto" and self.fallback_reason:
                what += f"; embeddings unavailable: {self.fallback_reason}"
        learnt = (
            f"{self.n_examples} coded examples and the taxonomy"
            if self.n_examples
            else "the taxonomy alone (no examples)"
        )
        keywords = "" if self.keywords else ", keywords left out"
        return (
            f"method {what}; learnt from {learnt}{keywords}; thresholds: {self.thresholds.source}"
        )

    # -- fitting --------------------------------------------------------------------------

    def _descriptions(self, taxonomy: Taxonomy, *, keywords: bool) -> tuple[list[str], list[int]]:
        texts: list[str] = []
        labels: list[int] = []
        for c, theme in enumerate(taxonomy.active):
            texts_of = theme.descriptions(
                keywords=keywords, subthemes=self.params.subtheme_definitions
            )
            for text in texts_of:
                texts.append(text)
                labels.append(c)
        return texts, labels

    def _embed(self, texts: list[str]) -> Matrix | None:
        import numpy as np

        if self._method != "embeddings" or self.embedder is None:
            return None
        return np.asarray(self.embedder.embed(texts), dtype=np.float64)

    def fit(
        self,
        examples: Sequence[Example],
        taxonomy: Taxonomy,
        groups: Sequence[str] | None = None,
        thresholds: Thresholds | None = None,
    ) -> Suggester:
        """Learn from coded findings (may be empty: then from the taxonomy alone).

        ``groups`` (optional, one per example, e.g. the briefing a finding comes from) makes
        the threshold cross-validation leave one group out, like the evaluation does.
        ``thresholds`` skips that cross-validation (the slow part of fitting: one fit per fold)
        and uses the given ones, e.g. those of an earlier fit on nearly the same examples."""
        import numpy as np

        started = time.perf_counter()
        self.classes = [t.slug for t in taxonomy.active]
        index = {slug: i for i, slug in enumerate(self.classes)}
        texts: list[str] = []
        labels: list[list[int]] = []
        problems: list[str] = []
        for n, (text, _polarity, slugs) in enumerate(examples):
            resolved: list[int] = []
            for slug in slugs:
                try:
                    top = taxonomy.resolve(slug)
                except KeyError:
                    problems.append(f"example {n + 1}: unknown theme {slug!r}")
                    continue
                if index[top] not in resolved:
                    resolved.append(index[top])
            if not resolved and not problems:
                problems.append(f"example {n + 1}: no themes")
            texts.append(text)
            labels.append(resolved)
        if problems:
            raise ValueError("; ".join(problems[:10]))
        if groups is not None and len(groups) != len(texts):
            raise ValueError("groups must have one entry per example")
        # The thresholds are cross-validated without the keywords: keywords are usually written
        # from coded findings (the seeds' were), so with them the held-out folds would look
        # easier than new findings are, and the thresholds would apply too many themes.
        d_texts, d_labels = self._descriptions(taxonomy, keywords=self.keywords)
        cv_texts, cv_labels = self._descriptions(taxonomy, keywords=False)
        vectors = self._embed(texts + d_texts)
        ex_vec = vectors[: len(texts)] if vectors is not None else None
        d_vec = vectors[len(texts) :] if vectors is not None else None
        cv_vec = None
        if d_vec is not None:
            by_text = dict(zip(d_texts, d_vec, strict=True))
            cv_vec = np.array([by_text[t] for t in cv_texts])  # a subset of d_texts
        self._example_texts, self._example_labels = texts, labels
        self.thresholds = (
            thresholds
            if thresholds is not None
            else self._cross_validate(texts, labels, ex_vec, groups, (cv_texts, cv_labels, cv_vec))
        )
        self._scorer = self._build(list(range(len(texts))), ex_vec, (d_texts, d_labels, d_vec))
        self.n_examples = len(texts)
        self.fit_seconds = time.perf_counter() - started
        return self

    def _build(
        self,
        rows: list[int],
        ex_vec: Matrix | None,
        descriptions: tuple[list[str], list[int], Matrix | None],
    ) -> _Scorer:
        d_texts, d_labels, d_vec = descriptions
        return _Scorer(
            self.params,
            len(self.classes),
            [self._example_texts[i] for i in rows],
            [self._example_labels[i] for i in rows],
            d_texts,
            d_labels,
            ex_vec[rows] if ex_vec is not None else None,
            d_vec,
        )

    def _folds(self, n: int, groups: Sequence[str] | None) -> list[tuple[list[int], list[int]]]:
        import numpy as np

        if groups is not None and len(set(groups)) >= 3:
            names = sorted(set(groups))
            return [
                (
                    [i for i in range(n) if groups[i] != g],
                    [i for i in range(n) if groups[i] == g],
                )
                for g in names
            ]
        rng = np.random.default_rng(self.params.seed)
        order = rng.permutation(n)
        k = min(self.params.folds, n)
        chunks = [sorted(order[j::k].tolist()) for j in range(k)]
        folds = []
        for chunk in chunks:
            held = set(chunk)
            folds.append(([i for i in range(n) if i not in held], chunk))
        return folds

    def _cross_validate(
        self,
        texts: list[str],
        labels: list[list[int]],
        ex_vec: Matrix | None,
        groups: Sequence[str] | None,
        descriptions: tuple[list[str], list[int], Matrix | None],
    ) -> Thresholds:
        import numpy as np

        p = self.params
        if len(texts) < p.min_examples_for_cv:
            why = (
                "no examples"
                if not texts
                else f"fewer than {p.min_examples_for_cv} examples to cross-validate"
            )
            return Thresholds(
                p.default_min_score,
                p.default_max_gap,
                f"defaults, min score {p.default_min_score:g}, max gap {p.default_max_gap:g} ({why})",
            )
        folds = self._folds(len(texts), groups)
        oof = np.zeros((len(texts), len(self.classes)))
        for train, held in folds:
            scorer = self._build(train, ex_vec, descriptions)
            oof[held] = scorer.scores(
                [texts[i] for i in held], ex_vec[held] if ex_vec is not None else None
            )
        orders = np.argsort(-oof, axis=1, kind="stable")
        expected = {str(i): [self.classes[c] for c in labels[i]] for i in range(len(texts))}
        ranked = {str(i): [self.classes[c] for c in orders[i][:3]] for i in range(len(texts))}
        best: tuple[float, float, float, float] | None = None
        for min_score in MIN_SCORES:
            for max_gap in MAX_GAPS:
                t = Thresholds(min_score, max_gap, "")
                applied = {
                    str(i): [self.classes[c] for c in _apply(oof[i], orders[i], t, p.max_themes)]
                    for i in range(len(texts))
                }
                s = score(expected, applied, ranked)
                # ties: the stricter setting (fewer themes applied)
                key = (s.macro_f1, s.micro_f1, min_score, -max_gap)
                if best is None or key > best:
                    best = key
        assert best is not None
        how = (
            f"leave-one-group-out over {len(folds)} groups"
            if groups is not None and len(set(groups)) >= 3
            else f"{len(folds)}-fold cross-validation"
        )
        return Thresholds(
            best[2],
            -best[3],
            f"min score {best[2]:g}, max gap {-best[3]:g} by {how} (macro-F1 {best[0]:.3f} there)",
        )

    # -- suggesting -----------------------------------------------------------------------

    def suggest(self, text: str, polarity: str | None = None) -> Suggestion:
        return self.suggest_many([text], [polarity])[0]

    def suggest_many(
        self, texts: Sequence[str], polarities: Sequence[str | None] | None = None
    ) -> list[Suggestion]:
        import numpy as np

        if self._scorer is None:
            raise RuntimeError("call fit() before suggest()")
        if not texts:
            return []
        items = [str(t) for t in texts]
        matrix = self._scorer.scores(items, self._embed(items))
        out = []
        for row in matrix:
            order = np.argsort(-row, kind="stable")
            chosen = _apply(row, order, self.thresholds, self.params.max_themes)
            out.append(
                Suggestion(
                    themes=[self.classes[c] for c in chosen],
                    ranked=[(self.classes[c], round(float(row[c]), 4)) for c in order],
                )
            )
        return out
