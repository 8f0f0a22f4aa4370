"""Findings through their services and selector: each kind of point, polarity, the one-to-three
themes rule, retired themes, order, resources and source returns, stale edits, audit events, and
the shape and cost of audit_findings."""

from __future__ import annotations

import pytest

from maqa.audits.models import Audit
from maqa.core.errors import ApplicationError
from maqa.core.models import AuditEvent
from maqa.findings import services
from maqa.findings.models import Finding, LearningTheme, Theme
from maqa.findings.selectors import audit_findings, findings_free_text
from maqa.findings.themes import theme_retire
from maqa.organisations.models import Resource
from maqa.returns.models import Return
from maqa.testing.audits import advance, make_audit
from maqa.testing.personas import Personas

S = Finding.Section
P = Finding.Polarity
TEXT = "Lack of use of the risk checklist by partners, and no updates once completed."


@pytest.fixture(autouse=True)
def keystore(settings, tmp_path):
    settings.IDENTIFIER_KEYSTORE_DIR = tmp_path / "keys"


@pytest.fixture
def audit(personas):
    return make_audit(personas, state="panel")


def theme(personas: Personas, slug: str) -> Theme:
    return Theme.objects.get(partnership=personas.partnership, slug=slug)


def themes(personas: Personas, *slugs: str) -> list[Theme]:
    return [theme(personas, slug) for slug in slugs]


def add_point(
    personas: Personas,
    audit: Audit,
    *,
    section: str = S.WORRY,
    learning_theme: LearningTheme | None = None,
    text: str = TEXT,
    slugs: tuple[str, ...] = ("risk-tools",),
    by: str = "panel",
    **kwargs,
) -> Finding:
    return services.finding_create(
        actor=personas.get(by),
        ip=None,
        audit=audit,
        section=section,
        learning_theme=learning_theme,
        text=text,
        themes=themes(personas, *slugs),
        **kwargs,
    )


def add_learning(personas: Personas, audit: Audit, title: str = "Engagement with fathers"):
    return services.learning_theme_create(actor=personas.panel, ip=None, audit=audit, title=title)


def police_return(personas: Personas, audit: Audit, reference: str = "Child A") -> Return:
    return Return.objects.get(
        audit=audit, child__reference=reference, organisation=personas.police_org
    )


def events(action: str, obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("seq")
    )


# --- each kind of point ---------------------------------------------------------------------


def test_it_records_worries_good_practice_and_a_theme_for_learning(personas, audit):
    worry = add_point(personas, audit, section=S.WORRY)
    good = add_point(
        personas, audit, section=S.GOOD_PRACTICE, text="Timely step up.", slugs=("step-up-down",)
    )
    lt = add_learning(personas, audit)
    found = add_point(
        personas,
        audit,
        section=S.FOUND,
        learning_theme=lt,
        text="Fathers were rarely seen with the baby at home visits.",
        slugs=("fathers-male-carers", "fathers-male-carers.views-and-assessment"),
    )
    action = add_point(
        personas,
        audit,
        section=S.ACTION,
        learning_theme=lt,
        text="Invite fathers to every home visit and core group.",
        slugs=("fathers-male-carers.identification-inclusion",),
    )

    result = audit_findings(audit)

    assert [p.pk for p in result.worries] == [worry.pk]
    assert [p.pk for p in result.good_practice] == [good.pk]
    assert len(result.learning_themes) == 1
    learning = result.learning_themes[0]
    assert learning.title == "Engagement with fathers"
    assert [p.pk for p in learning.found] == [found.pk]
    assert [p.pk for p in learning.actions] == [action.pk]
    assert found.created_by == personas.panel


@pytest.mark.parametrize(
    ("section", "polarity"),
    [
        (S.WORRY, P.CONCERN),
        (S.GOOD_PRACTICE, P.STRENGTH),
        (S.FOUND, P.CONCERN),
        (S.ACTION, P.ACTION),
    ],
)
def test_each_section_gives_its_points_a_default_polarity(personas, audit, section, polarity):
    lt = add_learning(personas, audit) if section in (S.FOUND, S.ACTION) else None

    point = add_point(personas, audit, section=section, learning_theme=lt)

    assert point.polarity == polarity


def test_the_polarity_can_be_chosen_instead_of_the_default(personas, audit):
    point = add_point(personas, audit, section=S.GOOD_PRACTICE, polarity=P.CONCERN)

    assert point.polarity == P.CONCERN


def test_an_unknown_polarity_is_refused(personas, audit):
    with pytest.raises(ApplicationError, match="concern, strength or action"):
        add_point(personas, audit, polarity="neutral")


def test_what_we_found_needs_a_theme_for_learning_and_a_worry_has_none(personas, audit):
    with pytest.raises(ApplicationError, match="theme for learning this point is part of"):
        add_point(personas, audit, section=S.FOUND)
    lt = add_learning(personas, audit)
    with pytest.raises(ApplicationError, match="do not belong to a theme for learning"):
        add_point(personas, audit, section=S.WORRY, learning_theme=lt)


def test_a_theme_for_learning_of_another_audit_is_refused(personas, audit):
    other = make_audit(personas, state="panel", theme="Neglect")
    lt = add_learning(personas, other)

    with pytest.raises(ApplicationError, match="theme for learning"):
        add_point(personas, audit, section=S.FOUND, learning_theme=lt)


def test_an_empty_point_is_refused(personas, audit):
    with pytest.raises(ApplicationError, match="Write the point"):
        add_point(personas, audit, text="   ")


# --- themes ---------------------------------------------------------------------------------


def test_a_point_needs_at_least_one_theme(personas, audit):
    with pytest.raises(ApplicationError) as raised:
        add_point(personas, audit, slugs=())

    assert raised.value.message == "Choose at least one theme for this point."
    assert raised.value.field == "themes"


def test_a_point_may_have_no_more_than_three_themes(personas, audit):
    four = ("risk-tools", "child-voice", "think-family", "recording")

    with pytest.raises(ApplicationError) as raised:
        add_point(personas, audit, slugs=four)

    assert raised.value.message == (
        "Choose no more than three themes for this point (you chose 4)."
    )
    assert not Finding.objects.filter(audit=audit).exists()


def test_one_to_three_themes_top_level_or_subthemes_are_accepted(personas, audit):
    one = add_point(personas, audit, slugs=("child-voice.sibling-visibility",))
    three = add_point(
        personas,
        audit,
        slugs=("risk-tools", "risk-tools.domestic-abuse-dash", "cumulative-harm"),
    )

    assert [t.slug for t in one.themes.all()] == ["child-voice.sibling-visibility"]
    assert three.themes.count() == 3


def test_a_retired_theme_is_refused_naming_its_successor(personas, audit):
    old = theme(personas, "recording")
    theme_retire(
        actor=personas.admin,
        ip=None,
        theme=old,
        successor=theme(personas, "information-sharing"),
        fingerprint=fingerprint(old),
    )

    with pytest.raises(ApplicationError) as raised:
        add_point(personas, audit, slugs=("recording",))

    assert "is retired" in raised.value.message
    assert theme(personas, "information-sharing").name in raised.value.message
    assert raised.value.field == "themes"


def test_a_subtheme_of_a_retired_theme_is_refused(personas, audit):
    Theme.objects.filter(partnership=personas.partnership, slug="child-voice").update(retired=True)

    with pytest.raises(ApplicationError, match="retired"):
        add_point(personas, audit, slugs=("child-voice.sibling-visibility",))


def test_a_theme_of_another_partnership_is_refused(personas, audit):
    elsewhere = Theme.objects.get(partnership=personas.other_partnership, slug="risk-tools")

    with pytest.raises(ApplicationError, match="your partnership's taxonomy"):
        services.finding_create(
            actor=personas.panel,
            ip=None,
            audit=audit,
            section=S.WORRY,
            text=TEXT,
            themes=[elsewhere],
        )


def fingerprint(t: Theme) -> str:
    from maqa.findings.selectors import theme_fingerprint

    return theme_fingerprint(t)


# --- order ----------------------------------------------------------------------------------


def test_points_are_added_at_the_end_and_reordered_within_their_section(personas, audit):
    first, second, third = (add_point(personas, audit, text=f"Point {n}.") for n in (1, 2, 3))
    good = add_point(personas, audit, section=S.GOOD_PRACTICE, text="Good.")

    services.finding_move(actor=personas.panel, ip=None, finding=third, direction="up")
    services.finding_move(actor=personas.panel, ip=None, finding=first, direction="down")

    result = audit_findings(audit)
    assert [p.text for p in result.worries] == ["Point 3.", "Point 1.", "Point 2."]
    assert [p.pk for p in result.good_practice] == [good.pk]
    assert second.pk == result.worries[2].pk
    assert [p.position for p in result.worries] == [0, 1, 2]


def test_a_point_already_first_or_last_is_not_moved(personas, audit):
    first = add_point(personas, audit, text="Point 1.")
    last = add_point(personas, audit, text="Point 2.")

    with pytest.raises(ApplicationError, match="already first"):
        services.finding_move(actor=personas.panel, ip=None, finding=first, direction="up")
    with pytest.raises(ApplicationError, match="already last"):
        services.finding_move(actor=personas.panel, ip=None, finding=last, direction="down")


def test_points_of_a_theme_for_learning_move_only_among_themselves(personas, audit):
    lt = add_learning(personas, audit)
    a = add_point(personas, audit, section=S.FOUND, learning_theme=lt, text="Found 1.")
    b = add_point(personas, audit, section=S.FOUND, learning_theme=lt, text="Found 2.")
    add_point(personas, audit, section=S.ACTION, learning_theme=lt, text="Action 1.")

    services.finding_move(actor=personas.panel, ip=None, finding=b, direction="up")

    learning = audit_findings(audit).learning_themes[0]
    assert [p.pk for p in learning.found] == [b.pk, a.pk]
    assert [p.text for p in learning.actions] == ["Action 1."]


def test_themes_for_learning_are_reordered(personas, audit):
    one, two = add_learning(personas, audit, "One"), add_learning(personas, audit, "Two")

    services.learning_theme_move(actor=personas.admin, ip=None, learning_theme=two, direction="up")

    assert [lt.title for lt in audit_findings(audit).learning_themes] == ["Two", "One"]
    with pytest.raises(ApplicationError, match="already last"):
        services.learning_theme_move(
            actor=personas.admin, ip=None, learning_theme=one, direction="down"
        )


# --- resources and source returns -----------------------------------------------------------


def test_resources_and_source_returns_are_linked_to_a_point(personas, audit):
    ret = police_return(personas, audit)

    point = add_point(personas, audit, resources=[personas.resource], source_returns=[ret])

    item = audit_findings(audit, internal=True).worries[0]
    assert item.pk == point.pk
    assert [r.title for r in item.resources] == ["Neglect toolkit"]
    assert item.resources[0].url == "https://example.org/neglect"
    assert [(r.child_reference, r.agency) for r in item.source_returns] == [("Child A", "Police")]


def test_the_briefing_shape_never_carries_source_returns(personas, audit):
    add_point(personas, audit, source_returns=[police_return(personas, audit)])

    public = audit_findings(audit)

    assert public.worries[0].source_returns == ()
    assert "Police" not in str(public.as_dict())
    assert public.internal is False


def test_a_return_of_another_audit_is_refused(personas, audit):
    other = make_audit(personas, state="panel", theme="Neglect")

    with pytest.raises(ApplicationError, match="returns of this audit"):
        add_point(personas, audit, source_returns=[police_return(personas, other)])


def test_a_resource_of_another_partnership_is_refused(personas, audit):
    elsewhere = Resource.objects.get(partnership=personas.other_partnership)

    with pytest.raises(ApplicationError, match="library"):
        add_point(personas, audit, resources=[elsewhere])


# --- editing --------------------------------------------------------------------------------


def update(personas, point, *, version, by="panel", **changes):
    values = {
        "section": point.section,
        "learning_theme": point.learning_theme,
        "text": point.text,
        "themes": list(point.themes.all()),
        "polarity": point.polarity,
        "resources": list(point.resources.all()),
        "source_returns": list(point.source_returns.all()),
    }
    values.update(changes)
    return services.finding_update(
        actor=personas.get(by), ip=None, finding=point, version=version, **values
    )


def test_an_edit_changes_the_point_and_its_version(personas, audit):
    point = add_point(personas, audit)

    update(personas, point, version=1, text="Reworded.", themes=themes(personas, "child-voice"))

    point.refresh_from_db()
    assert point.text == "Reworded."
    assert point.version == 2
    assert [t.slug for t in point.themes.all()] == ["child-voice"]


def test_a_stale_edit_is_refused_not_silently_applied(personas, audit):
    point = add_point(personas, audit)
    mine = Finding.objects.get(pk=point.pk)
    theirs = Finding.objects.get(pk=point.pk)
    update(personas, theirs, version=1, by="admin", text="The admin's words.")

    with pytest.raises(ApplicationError) as raised:
        update(personas, mine, version=1, text="The panel member's words.")

    assert raised.value.message.startswith("Someone else changed this point while you were")
    point.refresh_from_db()
    assert point.text == "The admin's words."
    assert point.version == 2


def test_reordering_does_not_make_an_open_edit_stale(personas, audit):
    point = add_point(personas, audit, text="Point 1.")
    add_point(personas, audit, text="Point 2.")
    services.finding_move(actor=personas.admin, ip=None, finding=point, direction="down")

    update(personas, Finding.objects.get(pk=point.pk), version=1, text="Still mine.")

    assert [p.text for p in audit_findings(audit).worries] == ["Point 2.", "Still mine."]


def test_a_point_moved_to_another_section_goes_to_its_end(personas, audit):
    good = add_point(personas, audit, section=S.GOOD_PRACTICE, text="Good 1.")
    worry = add_point(personas, audit, text="Was a worry.")

    update(personas, worry, version=1, section=S.GOOD_PRACTICE, polarity=None)

    result = audit_findings(audit)
    assert result.worries == ()
    assert [p.pk for p in result.good_practice] == [good.pk, worry.pk]
    assert result.good_practice[1].polarity == P.STRENGTH  # the new section's default


def test_deleting_a_point_and_a_theme_for_learning_with_its_points(personas, audit):
    worry = add_point(personas, audit)
    lt = add_learning(personas, audit)
    found = add_point(personas, audit, section=S.FOUND, learning_theme=lt)

    services.finding_delete(actor=personas.panel, ip=None, finding=worry, version=1)
    services.learning_theme_delete(actor=personas.panel, ip=None, learning_theme=lt, version=1)

    assert not Finding.objects.filter(pk__in=[worry.pk, found.pk]).exists()
    assert not LearningTheme.objects.filter(pk=lt.pk).exists()
    deleted = events(AuditEvent.Action.DELETED, lt)
    assert deleted[0].summary["points_deleted"] == [found.pk]


def test_a_stale_delete_is_refused(personas, audit):
    point = add_point(personas, audit)
    update(personas, Finding.objects.get(pk=point.pk), version=1, text="Changed meanwhile.")

    with pytest.raises(ApplicationError, match="Someone else changed this point"):
        services.finding_delete(actor=personas.panel, ip=None, finding=point, version=1)
    assert Finding.objects.filter(pk=point.pk).exists()


def test_a_stale_title_edit_is_refused(personas, audit):
    lt = add_learning(personas, audit)
    services.learning_theme_update(
        actor=personas.admin, ip=None, learning_theme=lt, title="Theirs", version=1
    )

    with pytest.raises(ApplicationError, match="Someone else changed this theme for learning"):
        services.learning_theme_update(
            actor=personas.panel,
            ip=None,
            learning_theme=LearningTheme.objects.get(pk=lt.pk),
            title="Mine",
            version=1,
        )


@pytest.mark.parametrize("state", ["published", "closed"])
def test_findings_cannot_change_once_the_audit_is_published(personas, state):
    audit = make_audit(personas, state="reporting")
    point = add_point(personas, audit)
    lt = add_learning(personas, audit)
    while audit.state != state:
        audit = advance(personas, audit)
    point = Finding.objects.select_related("audit").get(pk=point.pk)
    lt = LearningTheme.objects.select_related("audit").get(pk=lt.pk)

    attempts = [
        lambda: add_point(personas, audit),
        lambda: update(personas, point, version=1, text="Too late."),
        lambda: services.finding_move(actor=personas.admin, ip=None, finding=point, direction="up"),
        lambda: services.finding_delete(actor=personas.admin, ip=None, finding=point, version=1),
        lambda: services.learning_theme_create(actor=personas.admin, ip=None, audit=audit),
        lambda: services.learning_theme_delete(
            actor=personas.admin, ip=None, learning_theme=lt, version=1
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ApplicationError, match="can no longer be changed"):
            attempt()


@pytest.mark.parametrize("state", ["draft", "returns_open"])
def test_findings_cannot_be_recorded_before_the_panel(personas, state):
    audit = make_audit(personas, state=state)

    with pytest.raises(ApplicationError, match="recorded from the panel on"):
        add_point(personas, audit)


# --- audit events ---------------------------------------------------------------------------


def test_every_write_records_an_audit_event_naming_section_and_themes_but_not_the_text(
    personas, audit
):
    lt = add_learning(personas, audit, title="Domestic abuse seen in isolation")
    point = add_point(
        personas,
        audit,
        section=S.FOUND,
        learning_theme=lt,
        slugs=("domestic-abuse", "cumulative-harm.incidents-in-isolation"),
        source_returns=[police_return(personas, audit)],
    )
    update(personas, point, version=1, text="Incidents seen one at a time.")
    services.learning_theme_update(
        actor=personas.panel, ip=None, learning_theme=lt, title="Renamed", version=1
    )

    created = events(AuditEvent.Action.CREATED, point)
    changed = events(AuditEvent.Action.CHANGED, point)
    assert len(created) == 1 and len(changed) == 1
    assert created[0].actor == personas.panel
    assert created[0].partnership == personas.partnership
    assert created[0].summary["section"] == "found"
    assert created[0].summary["learning_theme"] == lt.pk
    assert created[0].summary["themes"] == [
        "cumulative-harm.incidents-in-isolation",
        "domestic-abuse",
    ]
    assert changed[0].summary == {"text": "changed"}
    assert len(events(AuditEvent.Action.CREATED, lt)) == 1
    assert events(AuditEvent.Action.CHANGED, lt)[0].summary["title"] == "changed"
    trail = AuditEvent.objects.filter(object_type__startswith="findings.")
    for event in trail:
        everything = f"{event.object_label} {event.summary}"
        assert TEXT[:20] not in everything
        assert "one at a time" not in everything
        assert "Domestic abuse seen in isolation" not in everything
        assert "Renamed" not in everything


def test_moving_a_point_records_its_old_and_new_place(personas, audit):
    add_point(personas, audit, text="Point 1.")
    second = add_point(personas, audit, text="Point 2.")

    services.finding_move(actor=personas.admin, ip=None, finding=second, direction="up")

    moved = events(AuditEvent.Action.CHANGED, second)
    assert moved[-1].summary == {"section": "worry", "place": [2, 1]}
    assert moved[-1].actor == personas.admin


# --- the selector -----------------------------------------------------------------------------


def test_the_selector_gives_each_point_its_themes_and_resources(personas, audit):
    add_point(
        personas,
        audit,
        slugs=("fathers-male-carers", "fathers-male-carers.reliance-on-mother"),
        resources=[personas.resource],
    )

    record = audit_findings(audit).as_dict()

    point = record["worries"][0]
    assert point["section"] == "worry"
    assert point["polarity"] == "concern"
    assert point["text"] == TEXT
    assert [t["slug"] for t in point["themes"]] == [
        "fathers-male-carers",
        "fathers-male-carers.reliance-on-mother",
    ]
    sub = point["themes"][1]
    assert sub["parent_slug"] == "fathers-male-carers"
    assert sub["parent_name"] == "Fathers, male carers and partners"
    assert point["resources"] == [
        {
            "pk": personas.resource.pk,
            "title": "Neglect toolkit",
            "kind": "toolkit",
            "url": "https://example.org/neglect",
        }
    ]
    assert point["source_returns"] == []
    assert [t["slug"] for t in record["themes_used"]] == [
        "fathers-male-carers",
        "fathers-male-carers.reliance-on-mother",
    ]


def _many_points(personas, audit, count):
    for n in range(count):
        lt = add_learning(personas, audit, f"Learning {n}")
        for section in (S.FOUND, S.ACTION):
            add_point(
                personas,
                audit,
                section=section,
                learning_theme=lt,
                slugs=("risk-tools", "child-voice"),
                resources=[personas.resource],
                source_returns=[police_return(personas, audit)],
            )
        add_point(personas, audit, section=S.WORRY, slugs=("think-family.wider-family",))
        add_point(personas, audit, section=S.GOOD_PRACTICE, slugs=("recording",))


@pytest.mark.parametrize("count", [1, 6])
def test_the_selector_reads_the_findings_in_a_fixed_number_of_queries(
    personas, audit, django_assert_num_queries, count
):
    _many_points(personas, audit, count)

    with django_assert_num_queries(4):
        public = audit_findings(audit)
    with django_assert_num_queries(5):
        internal = audit_findings(audit, internal=True)

    assert len(public.learning_themes) == count
    assert len(internal.worries) == count
    assert internal.learning_themes[-1].found[0].source_returns[0].agency == "Police"


def test_the_selector_of_an_audit_without_findings_is_empty(personas, audit):
    assert audit_findings(audit).is_empty


def test_the_findings_free_text_is_listed_for_the_close_scan(personas, audit):
    lt = add_learning(personas, audit, title="A title")
    add_point(personas, audit, section=S.ACTION, learning_theme=lt, text="Share at closure.")

    texts = dict(findings_free_text(audit))

    assert "A title" in texts.values()
    assert "Share at closure." in texts.values()
