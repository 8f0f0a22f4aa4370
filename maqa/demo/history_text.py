"""Words for synthetic audit history (maqa.demo.history): audit titles, practice points by theme,
measures of success. Written for maqa; no text here comes from a real briefing, and no child,
family or practitioner is named."""

from __future__ import annotations

from dataclasses import dataclass

AUDIT_TITLES = [
    ("Engagement with fathers", "fathers-male-carers"),
    ("Voice of the child", "child-voice"),
    ("Neglect and cumulative harm", "cumulative-harm"),
    ("Domestic abuse", "domestic-abuse"),
    ("Step-down and case closure", "step-up-down"),
    ("Children under five", "recognition-response"),
    ("Exploitation outside the home", "extra-familial-harm"),
    ("Child protection planning", "planning-outcomes"),
    ("Parental mental health", "think-family"),
    ("Information sharing at transfer", "information-sharing"),
    ("Disguised compliance", "optimism-compliance"),
    ("Children with disabilities", "identity-inclusion"),
]

AGENCY_WORDS = [
    "social care", "the police", "health visiting", "the GP practice", "school",
    "the hospital trust", "adult mental health services", "youth justice", "early help",
    "the out-of-hours team",
]  # fmt: skip

SUFFIXES = [
    "", "", "", " in most of the cases audited", " for the younger children in the sample",
    " after the family moved area", " once the plan ended", " during the period audited",
    " in two of the families", " when the plan was reviewed", " across agencies",
]  # fmt: skip


@dataclass(frozen=True)
class ThemeWords:
    slug: str
    learning_title: str
    concerns: tuple[str, ...]
    strengths: tuple[str, ...]
    actions: tuple[str, ...]
    subthemes: tuple[str, ...]  # the part after the dot


WORDS: list[ThemeWords] = [
    ThemeWords(
        "fathers-male-carers",
        "Including fathers and male carers",
        (
            "Fathers were not asked to take part in assessments by {agency}",
            "A mother's new partner was not identified as part of the household",
            "No record of what the father thought about the plan",
            "Male carers were seen only as a risk, never as a source of support",
            "Letters about meetings went to the mother alone",
        ),
        (
            "The father was invited to every core group and his views were recorded",
            "{agency} checked who lived in the household at each visit",
            "Work with the stepfather helped him understand the child's needs",
        ),
        (
            "Ask at every first contact who the significant adults in the child's life are",
            "Send meeting invitations to both parents unless it is unsafe to do so",
            "Record the views of fathers and male carers in every assessment",
        ),
        ("identification-inclusion", "views-and-assessment", "reliance-on-mother"),
    ),
    ThemeWords(
        "child-voice",
        "Hearing the child",
        (
            "The child's own words were missing from the records of {agency}",
            "A parent's account was recorded as if it were the child's view",
            "Little sense of a day in the life of the baby from the records",
            "The younger sibling's experience was lost behind the older child's needs",
            "The child was not seen alone by {agency}",
        ),
        (
            "The child's wishes were written down in their own words",
            "{agency} used drawings and play to understand how the child felt",
            "Observations of the baby's care were detailed and dated",
            "Each sibling's experience was described separately",
        ),
        (
            "Record what the child says, in their words, at every visit",
            "Use the lived-experience tool for pre-verbal children",
            "See each child alone where it is safe and record why if not",
        ),
        ("views-heard-recorded", "non-verbal-observation", "sibling-visibility"),
    ),
    ThemeWords(
        "cumulative-harm",
        "Seeing the whole history",
        (
            "Each incident was responded to on its own and the pattern was missed",
            "No chronology was kept by {agency}",
            "Earlier plans for older siblings were not considered",
            "Low-level worries built up over years without being added together",
        ),
        (
            "{agency} kept an up-to-date chronology that informed the plan",
            "The history of previous plans was used to judge current risk",
        ),
        (
            "Keep a multi-agency chronology for every child on a plan",
            "Read the family history before the first visit",
        ),
        ("incidents-in-isolation", "chronology-history", "long-term-patterns"),
    ),
    ThemeWords(
        "risk-tools",
        "Using the risk tools",
        (
            "The domestic abuse risk checklist was not repeated after new incidents",
            "The neglect toolkit was not used by {agency}",
            "Risk tools were completed but not shared with partners",
        ),
        (
            "{agency} completed the neglect toolkit with the family and reviewed it",
            "The home conditions rating was used to show change over time",
        ),
        (
            "Repeat the risk checklist after every reported incident",
            "Share completed risk tools with the lead professional",
        ),
        ("domestic-abuse-dash", "neglect-tools", "tools-general"),
    ),
    ThemeWords(
        "information-sharing",
        "Sharing what we know",
        (
            "Minutes of the strategy discussion did not reach {agency}",
            "Partners were not told when the case closed",
            "Records from the previous local authority arrived months late",
        ),
        (
            "{agency} shared worries with social care on the same day",
            "Good communication between health and school",
            "Information was passed on promptly when the family moved",
        ),
        (
            "Tell every involved agency when a case closes or steps down",
            "Request records from the previous area within five working days",
        ),
        ("closure-step-down", "cross-border-transfer", "minutes-reports"),
    ),
    ThemeWords(
        "step-up-down",
        "Stepping down safely",
        (
            "The case was stepped down before changes had lasted",
            "Re-referral within weeks of the case closing",
            "Repeated child in need plans with no step up when risk rose",
        ),
        (
            "A timely step up to child protection when risk increased",
            "A well planned step down with early help in place",
        ),
        (
            "Check that changes have been sustained before stepping a case down",
            "Hold a transfer meeting with early help before closure",
        ),
        ("step-down-closure-timing", "repeat-plans-re-referral", "step-up-timing"),
    ),
    ThemeWords(
        "escalation-challenge",
        "Challenge and escalation",
        (
            "{agency} disagreed with a decision but did not escalate",
            "The escalation policy was not known to front-line staff",
        ),
        (
            "{agency} challenged the decision to close and the case stayed open",
            "Professional differences were resolved quickly and recorded",
        ),
        (
            "Use the resolution of professional differences policy when you disagree",
            "Managers to record escalations and their outcome",
        ),
        ("policy-use", "professional-challenge"),
    ),
    ThemeWords(
        "optimism-compliance",
        "Curiosity about change",
        (
            "Professionals accepted the parents' account without checking it",
            "Small improvements were taken as lasting change",
            "Missed appointments were not questioned by {agency}",
        ),
        (
            "{agency} tested what the parents said against what was seen",
            "Curious questions about a new adult in the home",
        ),
        (
            "Look for evidence that change has lasted before reducing support",
            "Be curious when families miss appointments",
        ),
        ("over-optimism", "engagement-compliance", "professional-curiosity"),
    ),
    ThemeWords(
        "domestic-abuse",
        "Domestic abuse",
        (
            "The child's experience of the abuse at home was not explored",
            "Work focused on the victim leaving rather than on the harmful adult",
            "Police reports of abuse were not followed up by {agency}",
        ),
        (
            "Specialist domestic abuse support was offered quickly",
            "{agency} worked with the harmful parent to change behaviour",
        ),
        (
            "Consider the child as a victim of domestic abuse in every assessment",
            "Refer harmful adults to a behaviour change programme",
        ),
        ("child-as-victim", "perpetrator-work", "pattern-over-time"),
    ),
    ThemeWords(
        "multi-agency-working",
        "Working together",
        (
            "Health did not attend core groups",
            "Agencies worked to separate plans for the same family",
        ),
        (
            "Good multi-agency attendance at conferences and core groups",
            "{agency} and school worked closely on a shared plan",
            "Professionals meetings helped agree who would do what",
        ),
        (
            "Identify which health professional will attend each core group",
            "Hold a professionals meeting when agencies see risk differently",
        ),
        ("coordination", "meeting-attendance", "professionals-meetings"),
    ),
    ThemeWords(
        "planning-outcomes",
        "Plans that make a difference",
        (
            "Plans had no timescales or named owners",
            "The plan listed services rather than outcomes for the child",
            "Drift in a long-running plan with little change",
        ),
        (
            "A clear safety plan that the family understood",
            "Outcomes in the plan were specific and reviewed",
        ),
        (
            "Write plans with an owner, a timescale and a measure for each action",
            "Review long-running plans at six months with a manager",
        ),
        ("smart-timescales", "outcome-focus", "drift-long-term"),
    ),
    ThemeWords(
        "recognition-response",
        "Recognising need early",
        (
            "Bruising in a non-mobile baby was not referred by {agency}",
            "School absence was not linked to worries at home",
        ),
        (
            "{agency} recognised the risk and referred promptly",
            "Good follow-up after an attendance at the emergency department",
            "Early help offered as soon as worries were noticed",
        ),
        (
            "Follow the bruising protocol for non-mobile babies",
            "Link attendance worries to safeguarding conversations",
        ),
        ("timeliness", "follow-up", "education-attendance"),
    ),
    ThemeWords(
        "think-family",
        "Think family",
        (
            "Adult mental health services did not consider the children",
            "A parent's substance use was not assessed for its impact on the child",
        ),
        (
            "Adult services and children's services planned together",
            "{agency} considered the whole family's needs",
        ),
        ("Ask every adult service user about the children they care for",),
        ("adult-services", "parental-needs-impact"),
    ),
    ThemeWords(
        "recording",
        "Records that help",
        (
            "It was unclear from the records who the adults in the household were",
            "Key documents were missing from the record held by {agency}",
        ),
        ("Records were clear, dated and easy to follow",),
        ("Record the full names and roles of every adult in the household",),
        ("identifying-adults", "record-availability"),
    ),
    ThemeWords(
        "leadership-learning",
        "Oversight and learning",
        (
            "No management oversight recorded at key decision points",
            "Practitioners had not had safeguarding supervision",
        ),
        ("Reflective supervision helped the worker rethink the plan",),
        (
            "Managers to record their oversight at each review",
            "Offer the professional curiosity training to all staff",
        ),
        ("management-oversight", "training"),
    ),
    ThemeWords(
        "extra-familial-harm",
        "Harm outside the home",
        (
            "The young person was treated as an offender rather than a victim of exploitation",
            "Missing episodes were not followed by return interviews",
        ),
        ("A trusted worker kept in touch with the young person throughout",),
        ("Hold a return conversation after every missing episode",),
        ("exploitation", "victim-not-suspect"),
    ),
]

BY_SLUG = {w.slug: w for w in WORDS}

MEASURES = [
    "Re-audit shows the improvement in at least three quarters of cases",
    "Dip sample of ten records each quarter shows the change",
    "Attendance figures reported to the board every quarter",
    "Training attended by all front-line staff of the agency",
    "Guidance published and cascaded to every team",
    "Supervision records show the question is asked",
]

CANCEL_REASONS = [
    "Superseded by a partnership-wide action",
    "The service was recommissioned and the action no longer applies",
]

PROGRESS_NOTES = [
    "Briefing given to team managers",
    "Guidance drafted and shared for comment",
    "First dip sample completed",
]

TEXT_ANSWERS = [
    "The plan was reviewed and the situation improved for the child.",
    "Some change, not yet sustained.",
    "Support was offered and taken up by the family.",
    "Little difference was seen during the period audited.",
]

FREE_TEXT = {
    "good_practice": [
        "Timely referral and good contact with the school.",
        "The child was seen alone and their views recorded.",
        "Clear and prompt information sharing with partners.",
    ],
    "areas_for_development": [
        "Father not contacted; his view is missing.",
        "No chronology on file.",
        "Risk checklist not repeated after later incidents.",
    ],
    "what_needs_to_happen": [
        "Include all significant adults from the first contact.",
        "Keep a chronology and review it at each meeting.",
        "Repeat risk tools after each incident.",
    ],
}
