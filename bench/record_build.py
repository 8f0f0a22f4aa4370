"""How long an audit's briefing takes to build, check and render, from the database.

    python bench/record_build.py [--runs 15] [--children 10] [--findings 40]

Makes a throwaway SQLite database in a temporary directory (never your var/ or database), with a
partnership, an audit in reporting of ``--children`` sampled children (identifiers encrypted as
usual), submitted returns, and ``--findings`` findings (worries, good practice and three themes for
learning, with resources), and the partnership's logo. Then it times, as the briefing page and the
publication services do them:

  gather          reading the audit into AuditData (the only database access)
  build_record    the pure builder
  gather + build  both: the record of the briefing as it stands now
  identifier check  decrypting the sample's identifiers and scanning the record
  HTML, Word, PDF the renderers of maqa.briefings, through maqa.briefings.selectors.render_file
  publish         one publication_confirm: check again, render all three, store the version

Each is run once cold (imports, template compilation, fonts), then ``--runs`` times warm; the
median and p90 of the warm runs are printed against the targets (issue 4: HTML < 200 ms,
Word < 500 ms, PDF < 3 s). Nothing fails on timing: the exit status is 0 unless something broke.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

TARGETS_MS = {"HTML": 200.0, "Word": 500.0, "PDF": 3000.0}
NEEDS = [
    "neglect", "housing instability", "parental substance misuse", "going missing", "self-harm",
    "domestic abuse", "school exclusion", "young carer",
]  # fmt: skip


def _set_environment(var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAQA_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory, which skews the figures
    os.environ["MAQA_DEV_SECRETS"] = "true"  # generated into the temporary directory
    os.environ["MAQA_MANIFEST_STATIC"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))


def _make_world(children: int, findings: int) -> tuple[Any, Any]:
    """The audit (in reporting, with findings) and a second partnership admin."""
    from django.conf import settings
    from PIL import Image

    from maqa.accounts.models import Membership, Role, User
    from maqa.audits.models import Sex
    from maqa.findings.models import Finding, LearningTheme
    from maqa.organisations.models import Organisation, Resource
    from maqa.returns.models import Return
    from maqa.testing.audits import make_audit
    from maqa.testing.personas import build_personas, load_personas

    build_personas()
    personas = load_personas()
    logos = Path(settings.MEDIA_ROOT) / "logos"
    logos.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (480, 160), (29, 112, 184)).save(logos / "bench.png")
    personas.partnership.logo.name = "logos/bench.png"
    personas.partnership.save()

    audit = make_audit(personas, state="reporting", children=children, theme="Pre-School Children")
    for i, case in enumerate(audit.cases.filter(sampled=True)):
        case.sex = Sex.MALE if i % 2 else Sex.FEMALE
        case.plan_type = "child_protection" if i < children * 7 // 10 else "child_in_need"
        case.age_months = 7 + i * 19
        case.needs = [NEEDS[(i + k) % len(NEEDS)] for k in range(1 + i % 4)]
        case.save()
    Return.objects.filter(audit=audit).exclude(organisation__short_name="CSC").update(
        state=Return.State.SUBMITTED
    )
    resources = [
        Resource.objects.create(
            partnership=personas.partnership,
            title=f"Bench resource {n}",
            url=f"https://example.org/r{n}",
        )
        for n in range(6)
    ]
    themes = [
        LearningTheme.objects.create(audit=audit, title=f"Theme for learning {n}", position=n)
        for n in range(3)
    ]
    S = Finding.Section
    sections = [S.WORRY, S.GOOD_PRACTICE, S.FOUND, S.ACTION]
    for n in range(findings):
        section = sections[n % 4]
        finding = Finding.objects.create(
            audit=audit,
            section=section,
            learning_theme=themes[n % 3] if section in (S.FOUND, S.ACTION) else None,
            text=(
                f"Point {n}: every agency should record what it knows before a case is stepped "
                "down or transferred, and check the risk tools are up to date"
            ),
            polarity={S.WORRY: "concern", S.GOOD_PRACTICE: "strength"}.get(section, "action"),
            position=n,
        )
        finding.resources.set([resources[n % len(resources)]])
    second = User.objects.create_user(
        email="bench.second@persona.test",
        full_name="Bench Second",
        partnership=personas.partnership,
    )
    unit = Organisation.objects.get(partnership=personas.partnership, short_name="Unit")
    Membership.objects.create(user=second, organisation=unit, role=Role.PARTNERSHIP_ADMIN)
    return audit, second


def _measure(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    fn()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, warm


def _p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="warm runs of each (default 15)")
    parser.add_argument("--children", type=int, default=10)
    parser.add_argument("--findings", type=int, default=40)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="maqa-bench-record-") as tmp:
        _set_environment(Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from maqa.briefings import selectors as briefing
        from maqa.briefings.gather import build_record, gather
        from maqa.lifecycle import publication

        audit, second = _make_world(args.children, args.findings)
        data = gather(audit)
        record = build_record(data)
        print(
            f"maqa briefing bench: {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs; {record['children']['count']} children, "
            f"{len(record['worries']) + len(record['good_practice'])} worries and good practice, "
            f"{sum(len(t['found']) + len(t['actions']) for t in record['learning'])} points in "
            f"{len(record['learning'])} themes for learning; {args.runs} warm runs"
        )
        print(f"{'':22} {'cold ms':>9} {'median ms':>10} {'p90 ms':>8} {'target ms':>10}  ")
        rows: list[tuple[str, Callable[[], object]]] = [
            ("gather", lambda: gather(audit)),
            ("build_record", lambda: build_record(data)),
            ("gather + build", lambda: build_record(gather(audit))),
            ("identifier check", lambda: briefing.briefing_scan(audit, record)),
            ("HTML", lambda: briefing.render_file(audit, record, "html")),
            ("Word", lambda: briefing.render_file(audit, record, "docx")),
            ("PDF", lambda: briefing.render_file(audit, record, "pdf")),
        ]
        verdicts = []
        for label, fn in rows:
            cold, warm = _measure(fn, args.runs)
            median = statistics.median(warm)
            target = TARGETS_MS.get(label)
            verdict = ""
            if target is not None:
                verdict = "within target" if median < target else "OVER TARGET"
                verdicts.append(verdict)
            print(
                f"{label:22} {cold:>9.1f} {median:>10.2f} {_p90(warm):>8.2f} "
                f"{f'{target:.0f}' if target else '':>10}  {verdict}",
                flush=True,
            )

        request = publication.publication_request(actor=audit.lead, ip=None, audit=audit)
        start = time.perf_counter()
        version = publication.publication_confirm(
            actor=second, ip=None, request=request, checklist=[k for k, _ in publication.CHECKLIST]
        )
        took = (time.perf_counter() - start) * 1000
        print(
            f"{'publish (confirm)':22} {took:>9.1f} {'':>10} {'':>8} {'':>10}  version "
            f"{version.number}: PDF {len(bytes(version.pdf)) // 1024} KB, Word "
            f"{len(bytes(version.docx)) // 1024} KB, HTML {len(version.html) // 1024} KB"
        )
        print(
            "result: all renders within target"
            if all(v == "within target" for v in verdicts)
            else "result: some renders over target (figures above)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
