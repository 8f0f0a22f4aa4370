from __future__ import annotations

import pytest

from maqa.suggestions import embeddings, suggest
from maqa.suggestions.metrics import score
from maqa.suggestions.suggest import Params, Suggester

from .conftest import EXAMPLES


def _examples():
    return [(text, polarity, [theme]) for text, polarity, theme, _group in EXAMPLES]


def _groups():
    return [group for *_rest, group in EXAMPLES]


def test_taxonomy_alone_suggests_at_least_one_theme(taxonomy):
    suggester = Suggester("tfidf").fit([], taxonomy)
    assert suggester.method == "tfidf"
    assert suggester.n_examples == 0
    assert "defaults" in suggester.thresholds.source
    assert "no examples" in suggester.thresholds.source
    result = suggester.suggest("Lack of use of the DASH risk checklist by partners")
    assert result.themes
    assert result.themes[0] == "risk-tools"
    assert result.ranked_slugs[: len(result.themes)] == result.themes
    assert sorted(result.ranked_slugs) == sorted(t.slug for t in taxonomy.active)
    scores = [s for _slug, s in result.ranked]
    assert scores == sorted(scores, reverse=True)
    assert "taxonomy alone" in suggester.describe()


def test_examples_are_learnt_and_thresholds_cross_validated_by_group(taxonomy):
    suggester = Suggester("tfidf", keywords=False).fit(_examples(), taxonomy, groups=_groups())
    assert suggester.n_examples == len(EXAMPLES)
    assert "leave-one-group-out over 2 groups" not in suggester.thresholds.source  # needs >= 3
    assert "5-fold cross-validation" in suggester.thresholds.source
    three = [g if i % 3 else "c" for i, g in enumerate(_groups())]
    grouped = Suggester("tfidf", keywords=False).fit(_examples(), taxonomy, groups=three)
    assert "leave-one-group-out over 3 groups" in grouped.thresholds.source
    result = suggester.suggest("Twelve month wait before the child saw a counsellor")
    assert result.themes[0] == "service-access"
    assert 1 <= len(result.themes) <= Params().max_themes


def test_subtheme_and_unknown_labels_in_examples(taxonomy):
    examples = [("Dad not seen", None, ["fathers-male-carers.identification-inclusion"])]
    suggester = Suggester("tfidf").fit(examples, taxonomy)
    assert suggester.suggest("Dad not seen").themes[0] == "fathers-male-carers"
    with pytest.raises(ValueError, match="unknown theme 'no-such-theme'"):
        Suggester("tfidf").fit([("x", None, ["no-such-theme"])], taxonomy)
    with pytest.raises(ValueError, match="no themes"):
        Suggester("tfidf").fit([("x", None, [])], taxonomy)
    with pytest.raises(ValueError, match="one entry per example"):
        Suggester("tfidf").fit(examples, taxonomy, groups=["a", "b"])


def test_tfidf_is_deterministic(taxonomy):
    texts = ["Strategy minutes were not shared with the school", "Good joint working"]
    runs = []
    for _ in range(2):
        suggester = Suggester("tfidf").fit(_examples(), taxonomy)
        runs.append([(s.themes, s.ranked) for s in suggester.suggest_many(texts)])
        assert suggester.thresholds == Suggester("tfidf").fit(_examples(), taxonomy).thresholds
    assert runs[0] == runs[1]


def test_suggest_one_equals_suggest_many(taxonomy):
    suggester = Suggester("tfidf").fit(_examples(), taxonomy)
    texts = ["Father not included", "Waiting list for CAMHS"]
    many = suggester.suggest_many(texts, ["concern", None])
    assert [suggester.suggest(t) for t in texts] == many
    assert suggester.suggest_many([]) == []


def test_suggest_before_fit_is_an_error():
    with pytest.raises(RuntimeError, match="fit"):
        Suggester("tfidf").suggest("anything")


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError, match="unknown method 'bert'"):
        Suggester("bert")


def test_auto_falls_back_to_tfidf_and_says_why(monkeypatch, taxonomy):
    monkeypatch.setattr(embeddings, "unavailable_reason", lambda: "onnxruntime is not installed")
    suggester = Suggester("auto")
    assert suggester.method == "tfidf"
    assert suggester.fallback_reason == "onnxruntime is not installed"
    suggester.fit([], taxonomy)
    assert "embeddings unavailable: onnxruntime is not installed" in suggester.describe()
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="onnxruntime is not installed"):
        Suggester("embeddings")


def test_auto_uses_embeddings_when_the_extra_is_installed(ml_extra):
    suggester = Suggester("auto")
    assert suggester.method == "embeddings"
    assert suggester.fallback_reason is None


def test_apply_rule_keeps_close_candidates_only():
    import numpy as np

    row = np.array([3.0, 2.6, 0.1, 2.4])
    order = np.argsort(-row)
    rule = suggest.Thresholds(min_score=2.0, max_gap=0.5, source="")
    assert suggest._apply(row, order, rule, max_themes=3) == [0, 1]
    assert suggest._apply(row, order, rule, max_themes=1) == [0]
    strict = suggest.Thresholds(min_score=3.5, max_gap=0.5, source="")
    assert suggest._apply(row, order, strict, max_themes=3) == [0]


def test_metrics_follow_the_scorer_rules():
    expected = {"1": ["a", "b"], "2": ["c"]}
    applied = {"1": ["a"], "2": ["d"]}
    ranked = {"1": ["a", "d", "b"], "2": ["d", "e", "f"]}
    s = score(expected, applied, ranked)
    # labels a, b, c, d: F1 a=1, b=0, c=0, d=0 (applied wrongly, so it counts too)
    assert s.macro_f1 == pytest.approx(0.25)
    assert s.micro_f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))
    assert s.top1 == pytest.approx(0.5)
    assert s.recall3 == pytest.approx(2 / 3)
