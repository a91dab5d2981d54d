"""The house's shape, read from the package's own source (ast): no import circle among its
modules, and no module that both words (the catalogue's phrases) and draws (matplotlib)."""

import ast

from helpers.paths import PACKAGE

WORDING = {"_", "n_", "gendered", "N_", "NP_"}  # helpers.language's phrase functions


def modules() -> dict[str, ast.Module]:
    """Returns each module of the package by its dotted name, parsed."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imported(tree: ast.Module, name: str, known: set[str]) -> dict[str, set[str]]:
    """Returns what a module imports as it is imported (its top-level statements, not those inside
    functions or under TYPE_CHECKING): each module of the package, with the names taken from it."""
    package = name if any(k.startswith(name + ".") for k in known) else name.rpartition(".")[0]
    taken: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                taken.setdefault(alias.name, set())
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..words import y
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                module = f"{base}.{alias.name}"
                if module in known:  # from helpers import charts: the module itself
                    taken.setdefault(module, set())
                else:
                    taken.setdefault(base, set()).add(alias.name)
    return taken


def graph() -> tuple[dict[str, dict[str, set[str]]], dict[str, ast.Module]]:
    trees = modules()
    return {name: imported(tree, name, set(trees)) for name, tree in trees.items()}, trees


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Returns the import circles among the modules (each as a path back to where it began)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for other in sorted(edges.get(node, ())):
            if state.get(other) == "open":
                found.append([*path[path.index(other):], other])
            elif other not in state:
                visit(other, [*path, other])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_no_module_of_the_package_imports_itself_round_a_circle():
    imports, _ = graph()
    inside = {name: {m for m in taken if m in imports and m != name} for name, taken in imports.items()}
    assert circles(inside) == []
    assert len(inside) > 30
    assert "helpers.language" in inside["helpers.words"]


def test_a_circle_would_be_found():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_module_both_words_and_draws():
    """A module that imports matplotlib draws; one that takes the catalogue's phrase functions
    words. Formatting a number (helpers.language.percent) is neither."""
    imports, _ = graph()
    drawing = {name for name, taken in imports.items() if any(m.split(".")[0] == "matplotlib" for m in taken)}
    wording = {name for name, taken in imports.items() if taken.get("helpers.language", set()) & WORDING}
    assert {"helpers.charts", "helpers.canvas"} <= drawing
    assert {"helpers.words", "helpers.report.sites"} <= wording
    assert drawing & wording == set()


LONGEST = 600  # lines: a module longer than this holds more than one room (issue 23)


def too_long(sources: dict[str, str]) -> dict[str, int]:
    """Returns the modules longer than LONGEST lines, with their lengths."""
    lengths = {name: len(text.splitlines()) for name, text in sources.items()}
    return {name: length for name, length in lengths.items() if length > LONGEST}


def test_no_module_of_the_package_is_over_600_lines():
    sources = {str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8")
               for path in sorted(PACKAGE.rglob("*.py"))}
    assert len(sources) > 30
    assert {"render.py", "draft.py", "report/sites.py"} <= set(sources)
    assert too_long(sources) == {}


def test_a_long_module_would_be_found():
    sources = {"short.py": "x = 1\n" * LONGEST, "long.py": "x = 1\n" * (LONGEST + 1)}
    assert too_long(sources) == {"long.py": LONGEST + 1}
