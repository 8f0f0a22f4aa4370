"""Audit tools as data: the shipped tool, validation, YAML round trip, and the tool services."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maqa.audits.services import audit_update
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.returns.models import Return
from maqa.testing.audits import advance, make_audit
from maqa.tools import services as services_tools
from maqa.tools.definition import (
    FREE_TEXT_KEYS,
    KINDS,
    ToolProblems,
    default_tool_files,
    definition_to_yaml,
    grade_scales,
    tool_definition,
)
from maqa.tools.models import AuditTool, AuditToolVersion
from maqa.tools.services import tool_copy, tool_save_version, tools_load_defaults

SHIPPED = Path(default_tool_files()[0])
SHIPPED_SLUG = "multi-agency-case-audit"

# DOMAIN.md's "Common audit-tool domains", each with the key of its domain in the shipped tool.
DOMAIN_MD_DOMAINS = {
    "Recognition of need and risk": "recognition",
    "assessment": "assessment",
    "voice and lived experience of the child": "voice",
    "engagement of fathers and significant adults": "fathers",
    "use of risk tools": "risk_tools",
    "information sharing": "information_sharing",
    "planning": "planning",
    "escalation": "escalation",
    "step-up and step-down": "step_up_down",
    "impact and outcomes for the child": "impact",
    "overall": "overall",
}

MINIMAL = """\
name: Small tool
domains:
  - key: voice
    title: Voice of the child
    questions:
      - key: voice.seen
        kind: yes_no_na
        text: Was the child seen?
"""


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


def shipped_tool(personas) -> AuditTool:
    return AuditTool.objects.get(partnership=personas.partnership, slug=SHIPPED_SLUG)


def latest(tool: AuditTool) -> AuditToolVersion:
    version = tool.latest
    assert version is not None
    return version


def problems_of(text: str) -> list[str]:
    with pytest.raises(ToolProblems) as caught:
        tool_definition(text)
    return caught.value.problems


def with_question(question: str) -> str:
    """MINIMAL with its one question replaced by ``question`` (indented as a list item)."""
    head = MINIMAL[: MINIMAL.index("      - key: voice.seen")]
    return head + "\n".join("      " + line for line in question.strip().splitlines()) + "\n"


# --- the shipped tool -----------------------------------------------------------------------


def test_the_shipped_tool_covers_every_domain_of_domain_md():
    definition = tool_definition(SHIPPED.read_text())
    keys = [domain["key"] for domain in definition["domains"]]
    assert keys == list(DOMAIN_MD_DOMAINS.values())
    assert definition["grade_scale"]["slug"] == "ogri"
    assert [s["key"] for s in definition["free_text"]] == list(FREE_TEXT_KEYS)


def test_the_domains_checked_are_those_domain_md_lists(shared_dir):
    text = (shared_dir / "DOMAIN.md").read_text()
    section = text[text.index("## Common audit-tool domains") :].split("\n## ")[0]
    sentence = section.split("\n", 1)[1].split(".")[0]
    # Each domain, without its examples in brackets.
    listed = [" ".join(re.sub(r"\([^)]*\)", "", part).split()) for part in sentence.split(";")]
    assert listed == list(DOMAIN_MD_DOMAINS)


def test_each_shipped_domain_has_a_graded_question_and_guidance_somewhere():
    definition = tool_definition(SHIPPED.read_text())
    for domain in definition["domains"]:
        assert any(q["kind"] == "grade" for q in domain["questions"]), domain["key"]
    assert sum(1 for d in definition["domains"] for q in d["questions"] if q["guidance"]) >= 5


def test_every_partnership_has_the_shipped_tool_at_version_1(personas):
    for partnership in (personas.partnership, personas.other_partnership):
        tool = AuditTool.objects.get(partnership=partnership, slug=SHIPPED_SLUG)
        assert tool.copied_from is None
        assert tool.latest is not None
        assert tool.latest.number == 1
        assert tool.latest.source.startswith("multi-agency-case-audit.yaml@")
        assert tool.latest.definition == tool_definition(SHIPPED.read_text())


# --- grade scales and question kinds --------------------------------------------------------


def test_the_grade_scales_are_ogri_and_brag_best_first():
    scales = grade_scales()
    assert [g["value"] for g in scales["ogri"]["grades"]] == [
        "outstanding",
        "good",
        "requires_improvement",
        "inadequate",
    ]
    assert [g["value"] for g in scales["brag"]["grades"]] == ["blue", "green", "amber", "red"]
    for scale in scales.values():
        assert all(g["label"] and g["colour"] for g in scale["grades"])


def test_the_grade_scale_defaults_to_ogri_and_can_be_brag():
    assert tool_definition(MINIMAL)["grade_scale"]["slug"] == "ogri"
    brag = tool_definition("grade_scale: brag\n" + MINIMAL)["grade_scale"]
    assert brag["name"].startswith("BRAG")
    assert brag["grades"][2]["label"] == "Amber: partly meets expectations"


@pytest.mark.parametrize("kind", KINDS)
def test_every_question_kind_validates(kind):
    text = with_question(f"- key: voice.q\n  kind: {kind}\n  text: A question?\n  guidance: Look")
    question = tool_definition(text)["domains"][0]["questions"][0]
    assert question == {"key": "voice.q", "kind": kind, "text": "A question?", "guidance": "Look"}


def test_free_text_defaults_to_the_three_sections():
    sections = tool_definition(MINIMAL)["free_text"]
    assert [(s["key"], s["title"]) for s in sections] == [
        ("good_practice", "Good practice"),
        ("areas_for_development", "Areas for development"),
        ("what_needs_to_happen", "What needs to happen"),
    ]


# --- problems -------------------------------------------------------------------------------


def test_bad_yaml_names_the_line_and_column():
    text = MINIMAL.replace("title: Voice of the child", "title: [Voice of the child")
    [problem] = problems_of(text)
    assert problem.startswith("it is not valid YAML at line 5, column ")


def test_a_tab_is_explained():
    [problem] = problems_of(MINIMAL.replace("    title:", "\ttitle:"))
    assert "line 4, column 1" in problem
    assert "indent with spaces, not tabs" in problem


def test_a_field_given_twice_is_refused_with_its_line():
    [problem] = problems_of(MINIMAL + "name: Another name\n")
    assert problem == (
        "it is not valid YAML at line 9, column 1: 'name' is given twice in the same place"
    )


def test_aliases_are_refused():
    text = MINIMAL + "free_text:\n  - &a {key: good_practice}\n  - *a\n"
    [problem] = problems_of(text)
    assert "anchors and aliases (& and *) are not allowed" in problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a list", "it must be a mapping with name, grade_scale and domains"),
        ("x" * 200_001, "the tool is larger than 200 kB"),
        (MINIMAL.replace("name: Small tool", "name: ' '"), "name: give the tool a name"),
        (
            "slug: Not A Slug\n" + MINIMAL,
            "slug: 'Not A Slug' must be lower-case letters and digits joined by -",
        ),
        (
            "grade_scale: rag\n" + MINIMAL,
            "grade_scale: 'rag' is not a grade scale; use one of brag, ogri",
        ),
        (
            "grade_scale: [ogri]\n" + MINIMAL,
            "grade_scale: ['ogri'] is not a grade scale; use one of brag, ogri",
        ),
        (
            "colour: red\n" + MINIMAL,
            "the tool: 'colour' is not a field here; use slug, name, grade_scale, description, "
            "domains, free_text",
        ),
        ("name: No domains\n", "domains: list at least one domain"),
        (
            "name: X\ndomains: [just text]\n",
            "domain 1: must be a mapping with key, title and questions",
        ),
        (
            MINIMAL.replace("key: voice\n", "key: Voice\n"),
            "domain 1 (Voice): key must be lower-case letters, digits and _, starting with a letter",
        ),
        (
            MINIMAL.replace("title: Voice of the child", "title: ''"),
            "domain 1 (voice): give it a title",
        ),
        (
            MINIMAL.replace("    title: Voice", "    colour: red\n    title: Voice"),
            "domain 1 (voice): 'colour' is not a field here; use key, title, questions",
        ),
        (
            MINIMAL[: MINIMAL.index("    questions:")],
            "domain 1 (voice): list at least one question",
        ),
        (
            MINIMAL
            + MINIMAL[MINIMAL.index("  - key: voice") :].replace("voice.seen", "voice.alone"),
            "domain 2 (voice): key 'voice' is used by domain 1 too",
        ),
        (
            with_question("- just text"),
            "domain 1 (voice), question 1: must be a mapping with key, kind and text",
        ),
        (
            with_question("- key: Voice Seen\n  kind: text\n  text: Q?"),
            "domain 1 (voice), question 1: key must look like domain.question "
            "(lower-case letters, digits and _)",
        ),
        (
            with_question("- key: good_practice\n  kind: text\n  text: Q?"),
            "domain 1 (voice), question 1: key 'good_practice' is kept for the return's free text",
        ),
        (
            with_question(
                "- {key: voice.a, kind: text, text: Q}\n- {key: voice.a, kind: text, text: R}"
            ),
            "domain 1 (voice), question 2: key 'voice.a' is used by domain 1 (voice), question 1 too",
        ),
        (
            with_question("- key: voice.a\n  kind: yesno\n  text: Q?"),
            "domain 1 (voice), question 1: kind 'yesno' is not one of grade, yes_no_na, number, "
            "date, text",
        ),
        (
            with_question("- key: voice.a\n  kind: text"),
            "domain 1 (voice), question 1: give the question's text",
        ),
        (
            with_question("- key: voice.a\n  kind: text\n  text: Q?\n  guidence: Look"),
            "domain 1 (voice), question 1: 'guidence' is not a field here; use key, kind, text, "
            "guidance",
        ),
        (
            MINIMAL + "free_text: none\n",
            "free_text: must be a list of sections, each with key, title and hint",
        ),
        (
            MINIMAL + "free_text: [text]\n",
            "free_text 1: must be a mapping with key, title and hint",
        ),
        (
            MINIMAL + "free_text: [{key: summary}]\n",
            "free_text 1: 'summary' is not one of good_practice, areas_for_development, "
            "what_needs_to_happen",
        ),
        (
            MINIMAL + "free_text: [{key: good_practice}, {key: good_practice}]\n",
            "free_text 2: 'good_practice' is listed twice",
        ),
        (
            MINIMAL + "free_text: [{key: good_practice, help: x}]\n",
            "free_text 1 (good_practice): 'help' is not a field here; use key, title, hint",
        ),
        (
            "name: Big\ndomains:\n" + "".join(f"  - key: d{i}\n" for i in range(51)),
            "domains: a tool has at most 50 domains",
        ),
        (
            "name: Big\ndomains:\n  - key: d\n    title: D\n    questions:\n"
            + "".join(f"      - {{key: d.q{i}, kind: text, text: Q}}\n" for i in range(401)),
            "domains: a tool has at most 400 questions (this one has 401)",
        ),
    ],
)
def test_each_problem_is_named(text, problem):
    assert problem in problems_of(text)


def test_every_problem_is_listed_at_once():
    text = (
        "name: ''\ngrade_scale: rag\ndomains:\n  - key: voice\n    questions:\n"
        "      - {key: voice.a, kind: maybe, text: Q}\n      - {key: voice.a, kind: text}\n"
    )
    assert problems_of(text) == [
        "name: give the tool a name",
        "grade_scale: 'rag' is not a grade scale; use one of brag, ogri",
        "domain 1 (voice): give it a title",
        "domain 1 (voice), question 1: kind 'maybe' is not one of grade, yes_no_na, number, "
        "date, text",
        "domain 1 (voice), question 2: key 'voice.a' is used by domain 1 (voice), question 1 too",
        "domain 1 (voice), question 2: give the question's text",
    ]


# --- YAML round trip ------------------------------------------------------------------------


def test_the_shipped_tool_round_trips_through_yaml():
    definition = tool_definition(SHIPPED.read_text())
    assert tool_definition(definition_to_yaml(definition)) == definition


def test_the_yaml_has_the_shipped_files_shape():
    definition = tool_definition(SHIPPED.read_text())
    written = definition_to_yaml(definition)
    assert yaml.safe_load(written) == yaml.safe_load(SHIPPED.read_text())
    assert written.startswith("# Question kinds: grade")
    assert "\n      - key: voice.seen\n        kind: yes_no_na\n" in written


def test_text_of_several_lines_is_written_as_a_block():
    definition = tool_definition(MINIMAL)
    definition["domains"][0]["questions"][0]["guidance"] = "First: look.\n  Then: act.\n\nDone"
    written = definition_to_yaml(definition)
    assert "guidance: |-\n          First: look.\n            Then: act.\n" in written
    assert tool_definition(written) == definition


KEY = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
TEXT = st.text(min_size=1, max_size=40).map(str.strip).filter(bool)
OPTIONAL_TEXT = st.one_of(st.just(""), TEXT)


@st.composite
def definitions(draw: Any) -> dict[str, Any]:
    scale = grade_scales()[draw(st.sampled_from(sorted(grade_scales())))]
    domain_keys = draw(st.lists(KEY, min_size=1, max_size=3, unique=True))
    domains = []
    for d_key in domain_keys:
        q_names = draw(st.lists(KEY, min_size=1, max_size=3, unique=True))
        questions = [
            {
                "key": f"{d_key}.{name}",
                "kind": draw(st.sampled_from(KINDS)),
                "text": draw(TEXT),
                "guidance": draw(OPTIONAL_TEXT),
            }
            for name in q_names
        ]
        domains.append({"key": d_key, "title": draw(TEXT), "questions": questions})
    free_keys = draw(st.lists(st.sampled_from(FREE_TEXT_KEYS), min_size=1, unique=True))
    return {
        "slug": draw(
            st.one_of(st.just(""), st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)?", fullmatch=True))
        ),
        "name": draw(TEXT),
        "description": draw(OPTIONAL_TEXT),
        "grade_scale": {"slug": scale["slug"], "name": scale["name"], "grades": scale["grades"]},
        "domains": domains,
        "free_text": [
            {"key": key, "title": draw(TEXT), "hint": draw(OPTIONAL_TEXT)} for key in free_keys
        ],
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definitions())
def test_any_small_definition_round_trips_through_yaml(definition):
    assert tool_definition(definition_to_yaml(definition)) == definition


# --- loading the shipped tools --------------------------------------------------------------


def test_loading_the_defaults_twice_changes_nothing(personas):
    before = AuditToolVersion.objects.count()
    events = AuditEvent.objects.count()
    tools_load_defaults(partnership=personas.partnership)
    tools_load_defaults(partnership=personas.partnership)
    assert AuditToolVersion.objects.count() == before
    assert AuditEvent.objects.count() == events
    assert latest(shipped_tool(personas)).number == 1


def test_a_changed_shipped_file_makes_a_new_version_and_answered_returns_keep_theirs(
    personas, tmp_path, monkeypatch
):
    audit = make_audit(personas, state="returns_open")
    ret = Return.objects.filter(audit=audit).first()
    assert ret is not None
    first = ret.tool_version
    changed = tmp_path / SHIPPED.name
    shutil.copy(SHIPPED, changed)
    changed.write_text(
        changed.read_text().replace(
            "How good were your agency's assessments?", "How good were the assessments?"
        )
    )
    monkeypatch.setattr(services_tools, "default_tool_files", lambda: [changed])

    [latest] = tools_load_defaults(partnership=personas.partnership)

    assert latest.tool == first.tool
    assert latest.number == 2
    assert latest.source.startswith(f"{SHIPPED.name}@")
    assert latest.source != first.source
    ret.refresh_from_db()
    audit.refresh_from_db()
    assert ret.tool_version == first
    assert audit.tool_version == first
    first.refresh_from_db()
    assert "How good were your agency's assessments?" in str(first.definition)
    event = AuditEvent.objects.filter(object_id=str(first.tool.pk)).latest("seq")
    assert event.action == "changed"
    assert event.actor is None
    assert event.summary["version"] == 2
    # and loading again is quiet
    assert tools_load_defaults(partnership=personas.partnership) == [latest]
    assert AuditToolVersion.objects.filter(tool=first.tool).count() == 2


# --- copying and editing --------------------------------------------------------------------


def copy_of_shipped(personas, name: str = "Neglect audit tool") -> AuditTool:
    tool = shipped_tool(personas)
    assert tool.latest is not None
    return tool_copy(actor=personas.admin, ip="192.0.2.1", version=tool.latest, name=name)


def edited_yaml(tool: AuditTool, old: str, new: str) -> str:
    assert tool.latest is not None
    text = definition_to_yaml(tool.latest.definition)
    assert old in text
    return text.replace(old, new)


def test_a_copy_starts_at_version_1_with_the_original_questions(personas):
    copy = copy_of_shipped(personas)
    original = latest(shipped_tool(personas))
    assert copy.slug == "neglect-audit-tool"
    assert copy.copied_from == original
    assert copy.latest is not None
    assert copy.latest.number == 1
    assert copy.latest.created_by == personas.admin
    assert copy.latest.source == "copy of Multi-agency case audit, version 1"
    assert latest(copy).definition == {**original.definition, "name": copy.name, "slug": copy.slug}
    event = AuditEvent.objects.get(action="created", object_id=str(copy.pk))
    assert event.actor == personas.admin
    assert event.summary == {"copied_from": "Multi-agency case audit, version 1"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (" ", "Give the copy a name."),
        ("Multi-agency case audit", "A tool with that name already exists."),
    ],
)
def test_a_copy_needs_a_new_name(personas, name, message):
    with pytest.raises(ApplicationError, match=message):
        copy_of_shipped(personas, name=name)


def test_a_tool_of_another_partnership_cannot_be_copied(personas):
    theirs = AuditTool.objects.get(partnership=personas.other_partnership, slug=SHIPPED_SLUG)
    with pytest.raises(ApplicationError, match="your own partnership"):
        tool_copy(actor=personas.admin, ip=None, version=latest(theirs), name="Taken")


def test_editing_a_copy_makes_version_2_and_leaves_version_1_and_its_returns_alone(personas):
    copy = copy_of_shipped(personas)
    first = copy.latest
    assert first is not None
    frozen = first.definition
    audit = make_audit(personas)
    audit = audit_update(
        actor=personas.admin,
        ip=None,
        audit=audit,
        data={"tool_version": first},
        agencies=list(audit.agencies.all()),
        panel_members=list(audit.panel_members.all()),
        version=audit.version,
    )
    audit = advance(personas, audit)
    ret = Return.objects.filter(audit=audit).first()
    assert ret is not None
    assert ret.tool_version == first

    text = edited_yaml(
        copy,
        "text: Was the child seen, and seen alone where appropriate?",
        "text: Was the child seen alone?",
    )
    second = tool_save_version(actor=personas.health, ip=None, tool=copy, text=text, based_on=1)

    assert second.number == 2
    assert second.created_by == personas.health
    assert second.source == "edited in maqa"
    assert "Was the child seen alone?" in str(second.definition)
    first.refresh_from_db()
    assert first.definition == frozen
    ret.refresh_from_db()
    assert ret.tool_version == first
    event = AuditEvent.objects.filter(action="changed", object_id=str(copy.pk)).latest("seq")
    assert event.summary == {"version": [1, 2]}


def test_renaming_a_copy_in_its_yaml_renames_the_tool(personas):
    copy = copy_of_shipped(personas)
    text = edited_yaml(copy, "name: Neglect audit tool", "name: Neglect audit tool 2026")
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    copy.refresh_from_db()
    assert copy.name == "Neglect audit tool 2026"
    assert copy.slug == "neglect-audit-tool"


def test_a_copy_cannot_take_another_tools_name_or_change_its_slug(personas):
    copy = copy_of_shipped(personas)
    for old, new, problem in [
        (
            "name: Neglect audit tool",
            "name: Multi-agency case audit",
            "name: another tool of the partnership already has that name",
        ),
        (
            "slug: neglect-audit-tool",
            "slug: neglect",
            "slug: this tool's slug is 'neglect-audit-tool' and cannot change",
        ),
    ]:
        with pytest.raises(ToolProblems) as caught:
            tool_save_version(
                actor=personas.admin,
                ip=None,
                tool=copy,
                text=edited_yaml(copy, old, new),
                based_on=1,
            )
        assert caught.value.problems == [problem]
    assert copy.versions.count() == 1


def test_leaving_out_the_slug_keeps_it(personas):
    copy = copy_of_shipped(personas)
    text = edited_yaml(copy, "slug: neglect-audit-tool\n", "").replace(
        "grade_scale: ogri", "grade_scale: brag"
    )
    version = tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    assert version.definition["slug"] == "neglect-audit-tool"
    assert version.definition["grade_scale"]["slug"] == "brag"


def test_a_stale_edit_is_refused(personas):
    copy = copy_of_shipped(personas)
    mine = edited_yaml(copy, "kind: number", "kind: text")
    theirs = edited_yaml(copy, "grade_scale: ogri", "grade_scale: brag")
    tool_save_version(actor=personas.admin, ip=None, tool=copy, text=theirs, based_on=1)
    with pytest.raises(
        ApplicationError,
        match="Someone saved version 2 of this tool while you were editing version 1",
    ):
        tool_save_version(actor=personas.admin, ip=None, tool=copy, text=mine, based_on=1)
    assert copy.versions.count() == 2
    assert latest(copy).definition["grade_scale"]["slug"] == "brag"


def test_an_edit_that_changes_nothing_is_refused(personas):
    copy = copy_of_shipped(personas)
    text = edited_yaml(copy, "# Question kinds", "# A comment changes nothing\n# Question kinds")
    with pytest.raises(ApplicationError, match="Nothing changed"):
        tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    assert copy.versions.count() == 1


def test_a_shipped_tool_cannot_be_edited(personas):
    tool = shipped_tool(personas)
    text = edited_yaml(tool, "kind: number", "kind: text")
    with pytest.raises(ApplicationError, match="Shipped tools cannot be edited: copy the tool"):
        tool_save_version(actor=personas.admin, ip=None, tool=tool, text=text, based_on=1)
    assert tool.versions.count() == 1


def test_a_tool_of_another_partnership_cannot_be_edited(personas):
    copy = copy_of_shipped(personas)
    text = edited_yaml(copy, "kind: number", "kind: text")
    with pytest.raises(ApplicationError, match="your own partnership"):
        tool_save_version(actor=personas.outsider, ip=None, tool=copy, text=text, based_on=1)


def test_an_edit_with_problems_saves_nothing(personas):
    copy = copy_of_shipped(personas)
    text = edited_yaml(copy, "kind: number", "kind: count")
    with pytest.raises(ToolProblems) as caught:
        tool_save_version(actor=personas.admin, ip=None, tool=copy, text=text, based_on=1)
    assert caught.value.problems == [
        "domain 7 (planning), question 3: kind 'count' is not one of grade, yes_no_na, number, "
        "date, text"
    ]
    assert copy.versions.count() == 1
