"""The package's layers: imports point down, never up or round in a circle; the lower layers stay light."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "plugins" / "rumforliv"

# Lowest first. A module may import from its own layer and those below it.
LAYERS = ["calendar", "content", "wording", "build", "ical", "newsletter", "site", "editor", "plugin"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every rumforliv module `path` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    return {module_name(path): imported(path) for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else None  # None: the package itself, above all


def test_every_module_is_in_a_layer():
    assert [m for m in graph() if m != "rumforliv" and layer(m) is None] == []


def test_imports_point_down_the_layers():
    upward = [
        f"{module} ({LAYERS[layer(module)]}) imports {other} ({LAYERS[layer(other)]})"
        for module, others in graph().items()
        for other in sorted(others)
        if layer(module) is not None and layer(other) is not None and layer(other) > layer(module)
    ]
    assert upward == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_a_circle():
    edges = graph()
    # A package's __init__ importing its own modules is not a cycle of code; keep only module-to-module edges.
    assert cycles({m: {o for o in others if not m.startswith(o + ".")} for m, others in edges.items()}) == []


def test_the_cycle_check_can_fail():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    "module",
    [
        "rumforliv",
        "rumforliv.content.schema",
        "rumforliv.content.markup",
        "rumforliv.calendar.recurrence",
        "rumforliv.wording.words",
    ],
)
def test_the_lower_layers_load_neither_pelican_nor_weasyprint(module):
    code = (
        f"import sys, {module}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pelican', 'weasyprint', 'pypdf', 'icalendar'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert result.stdout.strip() == "[]"


SYS_PATH_EDIT = re.compile(r"sys\.path\.(insert|append)|PLUGIN_PATHS")


def test_no_code_edits_sys_path():
    """The plugin is installed (`pip install .`), so nothing needs to point Python at its folder."""
    files = [path for folder in ("plugins", "tests", "bench", "scripts") for path in (ROOT / folder).rglob("*.py")]
    files += [ROOT / name for name in ("pelicanconf.py", "publishconf.py", "tasks.py")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if path != Path(__file__).resolve() and SYS_PATH_EDIT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_repository_names_no_path_outside_itself():
    """What the code follows is written down in it (feeds' rules in rumforliv.ical.feeds), not pointed at."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"/work/|\.\./shared|shared/notes|shared/seed")
    offenders = [
        name
        for name in tracked
        if name.endswith((".py", ".md", ".toml", ".cfg", ".sh", ".yml", ".yaml", ".html", ".mjs", ".js"))
        and Path(name) != Path(__file__).resolve().relative_to(ROOT)
        and outside.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


def test_pip_builds_the_plugin_as_a_package(tmp_path):
    """`pip install .` installs every layer of the plugin (a wheel built here, without the network)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("rumforliv-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packages = sorted({name.rsplit("/", 1)[0] for name in archive.namelist() if name.endswith("/__init__.py")})
    assert packages == ["rumforliv"] + [f"rumforliv/{layer}" for layer in sorted(LAYERS) if layer != "plugin"]
