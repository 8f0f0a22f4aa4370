from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from maqa.suggestions.taxonomy import (
    TaxonomyError,
    default_taxonomy_path,
    load_taxonomy,
    parse_taxonomy,
)

SLUGS = [
    "child-voice",
    "fathers-male-carers",
    "think-family",
    "cumulative-harm",
    "risk-tools",
    "assessment-analysis",
    "optimism-compliance",
    "escalation-challenge",
    "information-sharing",
    "multi-agency-working",
    "step-up-down",
    "planning-outcomes",
    "recording",
    "domestic-abuse",
    "extra-familial-harm",
    "service-access",
    "direct-work",
    "recognition-response",
    "leadership-learning",
    "identity-inclusion",
]

MINIMAL: dict[str, Any] = {
    "version": 1,
    "themes": [
        {
            "slug": "alpha",
            "name": "Alpha",
            "definition": "About alpha.",
            "keywords": ["a1", "a2"],
            "subthemes": [{"slug": "alpha.one", "definition": "first"}],
        },
        {"slug": "beta", "name": "Beta", "definition": "About beta."},
    ],
}


def test_default_taxonomy_loads_with_every_theme_and_subtheme():
    taxonomy = load_taxonomy()
    assert taxonomy.version == 1
    assert taxonomy.slugs == SLUGS
    assert [t.slug for t in taxonomy.active] == SLUGS
    subs = taxonomy.subtheme_slugs
    assert len(subs) == 85
    assert len(set(subs)) == len(subs)
    for theme in taxonomy:
        assert theme.name and theme.definition
        assert theme.subthemes, theme.slug
        assert all(s.slug.startswith(theme.slug + ".") for s in theme.subthemes)
        assert all(s.parent == theme.slug for s in theme.subthemes)
    child_voice = taxonomy.get("child-voice")
    assert "child-voice.non-verbal-observation" in [s.slug for s in child_voice.subthemes]
    assert "lived experience" in child_voice.keywords
    assert child_voice.boundary.startswith("Missing *father's* views")
    # identity-inclusion has sub-themes without definitions (allowed)
    assert all(not s.definition for s in taxonomy.get("identity-inclusion").subthemes)


def test_default_taxonomy_ships_inside_the_package():
    path = default_taxonomy_path()
    assert path.is_file()
    assert path.parts[-3:] == ("suggestions", "data", "taxonomy.yaml")


def test_shipped_copy_is_the_partnership_default_verbatim(shared_dir: Path):
    shipped = default_taxonomy_path().read_bytes()
    assert shipped == (shared_dir / "themes" / "taxonomy.yaml").read_bytes()


def test_descriptions_leave_keywords_and_boundary_out_on_request():
    theme = load_taxonomy().get("risk-tools")
    with_keywords = theme.descriptions()
    without = theme.descriptions(keywords=False)
    assert "GCP2" in with_keywords
    assert "GCP2" not in without
    assert without[:2] == [theme.name, theme.definition]
    assert all(theme.boundary != text for text in with_keywords)
    assert len(theme.descriptions(keywords=False, subthemes=False)) == 2


def test_resolve_maps_subthemes_and_deprecated_themes():
    data = copy.deepcopy(MINIMAL)
    data["themes"].append(
        {
            "slug": "gamma",
            "name": "Gamma",
            "definition": "Old.",
            "deprecated": True,
            "successor": "beta",
        }
    )
    taxonomy = parse_taxonomy(data)
    assert taxonomy.resolve("alpha.one") == "alpha"
    assert taxonomy.resolve(" alpha ") == "alpha"
    assert taxonomy.resolve("gamma") == "beta"
    assert [t.slug for t in taxonomy.active] == ["alpha", "beta"]
    with pytest.raises(KeyError):
        taxonomy.resolve("delta")
    with pytest.raises(KeyError):
        taxonomy.resolve("alpha.unknown")


def test_every_problem_is_reported_with_where_it_is():
    data = copy.deepcopy(MINIMAL)
    data["version"] = "one"
    data["themes"][1]["slug"] = "alpha"  # duplicate
    data["themes"][0]["subthemes"].append({"slug": "beta.two", "definition": ""})
    data["themes"][0]["name"] = ""
    data["themes"].append({"slug": "Bad Slug", "name": "x", "definition": "y", "colour": "red"})
    data["themes"].append({"slug": "old", "name": "x", "definition": "y", "deprecated": True})
    with pytest.raises(TaxonomyError) as caught:
        parse_taxonomy(data, source="test.yaml")
    problems = "\n".join(caught.value.problems)
    assert "version: must be a whole number" in problems
    assert "themes[1] (alpha).slug: duplicate of themes[0]" in problems
    assert "'beta.two' must start with 'alpha.'" in problems
    assert "themes[0] (alpha).name: empty" in problems
    assert "use lowercase words joined by hyphens" in problems
    assert "unknown key(s): colour" in problems
    assert "a deprecated theme must name its successor" in problems
    assert str(caught.value).startswith("test.yaml is not a valid theme taxonomy")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be a mapping"),
        ({"version": 1, "themes": []}, "themes: must be a non-empty list"),
        (
            {
                "version": 1,
                "themes": [
                    {"slug": "a", "name": "A", "definition": "d", "successor": "a"},
                ],
            },
            "only a deprecated theme has a successor",
        ),
    ],
)
def test_structural_problems(data, message):
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(data)


def test_load_reports_unreadable_and_invalid_files(tmp_path: Path):
    with pytest.raises(TaxonomyError, match="cannot read it"):
        load_taxonomy(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nthemes: [unclosed\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(bad)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(MINIMAL), encoding="utf-8")
    assert load_taxonomy(good).slugs == ["alpha", "beta"]
