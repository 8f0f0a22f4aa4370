"""URLs come from names only: no product path is written out by hand.

Templates build links with {% url %} (and assets with {% static %}), so an href, action, src,
formaction or hx-* attribute whose value starts with "/" is a hit. Python under maqa/ and config/
(tests and migrations aside) builds them with reverse() or redirect("name", ...), so a string
literal, or a literal part of an f-string, that starts with "/" and one of the URLconf's
top-level path segments is a hit. The segments are read from the resolver, so a new app is
covered as soon as config/urls.py mounts it. Each hit is reported as file:line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent

ATTRIBUTE = re.compile(
    r"""(?<![\w-])(href|action|src|formaction|hx-(?:get|post|put|patch|delete))\s*=\s*["']\s*/""",
    re.IGNORECASE,
)

# Literals that start like a product path but are not one. Keep this short: (file, literal).
ALLOWED: set[tuple[str, str]] = set()

# Methods whose "/" argument is string handling, not a link ("x".rstrip("/"), .startswith("/")).
STRING_METHODS = {
    "count", "endswith", "find", "index", "join", "lstrip", "partition", "removeprefix",
    "removesuffix", "replace", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
    "startswith", "strip",
}  # fmt: skip


def top_level_segments(patterns: list | None = None) -> set[str]:
    """The first path segment of every URL the resolver knows ("" for the home page)."""
    segments: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern).lstrip("^")
        if isinstance(entry, URLResolver) and not route:
            segments |= top_level_segments(entry.url_patterns)
            continue
        assert isinstance(entry, URLPattern | URLResolver)
        segments.add(re.split(r"[/.?<]", route, maxsplit=1)[0])
    return segments


def template_files() -> Iterator[Path]:
    yield from sorted((ROOT / "templates").rglob("*.html"))
    for folder in sorted((ROOT / "maqa").glob("**/templates")):
        if "tests" not in folder.relative_to(ROOT).parts:
            yield from sorted(p for p in folder.rglob("*") if p.is_file())


def python_files() -> Iterator[Path]:
    for top in ("maqa", "config"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
                continue
            if path.name in ("testing.py", "settings_test.py"):
                continue
            yield path


def template_hits() -> list[str]:
    hits = []
    for path in template_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in ATTRIBUTE.finditer(line):
                value = line[match.end() - 1 :].split('"', 1)[0].split("'", 1)[0]
                hits.append(f"{path.relative_to(ROOT)}:{number}: {match.group(1)}={value}")
    return hits


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _is_string_handling(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """A bare "/" as the argument of a str method ("x".rstrip("/"), .startswith(("/", "."))), the
    string a method is called on ("/".join(parts)), an operand or a comparison: not a link."""
    parent = parents.get(id(node))
    while isinstance(parent, ast.Tuple | ast.List | ast.keyword):
        parent = parents.get(id(parent))
    if isinstance(parent, ast.BinOp | ast.Compare | ast.Attribute):
        return True
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in STRING_METHODS
    )


def python_hits(
    segments: set[str], files: list[Path] | None = None, root: Path = ROOT
) -> list[str]:
    named = sorted(s for s in segments if s)
    path_like = re.compile(r"^/(?:" + "|".join(map(re.escape, named)) + r")(?:[/?#.]|$)")
    hits: list[tuple[str, int, str]] = []
    for path in python_files() if files is None else files:
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source, str(path))
        docstrings = _docstrings(tree)
        parents = {
            id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in docstrings:
                continue
            value = node.value
            relative = str(path.relative_to(root))
            if (relative, value) in ALLOWED:
                continue
            in_fstring = isinstance(parents.get(id(node)), ast.JoinedStr)
            home = "" in segments and value == "/" and not in_fstring
            if path_like.match(value) or (home and not _is_string_handling(node, parents)):
                hits.append((relative, node.lineno, lines[node.lineno - 1].strip()))
    return [f"{file}:{line}: {text}" for file, line, text in sorted(set(hits))]


def test_the_segments_come_from_the_urlconf():
    segments = top_level_segments()
    assert {"", "audits", "accounts", "returns"} <= segments
    assert "static" not in segments


def test_no_template_writes_a_path_by_hand():
    hits = template_hits()
    assert not hits, f"{len(hits)} hard-coded path(s); use {{% url %}}:\n" + "\n".join(hits)


def test_no_python_writes_a_product_path_by_hand():
    hits = python_hits(top_level_segments())
    assert not hits, f"{len(hits)} hard-coded path(s); use reverse():\n" + "\n".join(hits)


def test_the_scanner_finds_what_it_should(tmp_path):
    """The two scanners on a sample, so a broken pattern cannot pass silently."""
    assert ATTRIBUTE.search('<a href="/audits/1/">') and ATTRIBUTE.search("<form action='/x'>")
    assert ATTRIBUTE.search('<div hx-post="/imports/batch/1/step/">')
    assert not ATTRIBUTE.search("<a href=\"{% url 'home:home' %}\">")
    assert not ATTRIBUTE.search('<a data-href="/audits/">')
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Mounted at /audits/."""\n'
        'a = redirect(f"/audits/{pk}/panel/")\n'
        'b = "/returns/mine/"\n'
        'c = f"{site}/accounts/invitation/{token}/"\n'
        'd = url.rstrip("/") + "/"\n'
        'e = request.GET.get("next") or "/"\n'
        'f = "/static/"\n'
        'g = "/".join(parts) + path.split(sep="/")[0]\n'
    )
    hits = python_hits({"", "audits", "returns", "accounts"}, [sample], tmp_path)
    assert [h.split(":")[1] for h in hits] == ["2", "3", "4", "6"], hits
