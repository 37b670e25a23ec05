"""Data flows one way: corpus -> index -> bot (chain) -> bot.slack / bot.cli; evals beside."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# package (path prefix) -> top-level modules it must never import
FORBIDDEN = {
    "corpus": {"index", "bot", "evals", "chromadb", "slack_bolt", "slack_sdk", "langchain_core"},
    "index": {"bot", "evals", "slack_bolt", "slack_sdk"},
    "bot": {"evals"},
    "bot/slack": {"chromadb", "index", "evals"},
    "evals": {"slack_bolt", "slack_sdk"},
}
CHAIN_MODULES = [p for p in (REPO / "bot").glob("*.py")]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names), including imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(prefix: str) -> list[Path]:
    files = sorted((REPO / prefix).rglob("*.py"))
    if prefix == "bot":  # bot/cli is the outer skin and may import evals
        files = [f for f in files if "cli" not in f.relative_to(REPO / "bot").parts]
    return files


@pytest.mark.parametrize("prefix", sorted(FORBIDDEN))
def test_layer_imports_only_what_is_to_its_left(prefix: str) -> None:
    offenders = []
    for path in _files(prefix):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[prefix] or module in FORBIDDEN[prefix]:
                offenders.append(f"{path.relative_to(REPO)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_nothing_imports_the_cli() -> None:
    offenders = []
    for prefix in ("corpus", "index", "bot", "evals", "benchmarks"):
        for path in sorted((REPO / prefix).rglob("*.py")):
            if "cli" in path.relative_to(REPO).parts:
                continue
            if any(m == "bot.cli" or m.startswith("bot.cli.") for m in imported_modules(path)):
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, offenders


def test_the_chain_does_not_know_about_slack() -> None:
    offenders = [
        f"{path.name} imports {module}"
        for path in CHAIN_MODULES
        for module in imported_modules(path)
        if module.split(".")[0] in {"slack_bolt", "slack_sdk"} or module.startswith("bot.slack")
    ]
    assert not offenders, offenders


def test_the_import_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from index.store import make_client\n    import chromadb\n")
    assert imported_modules(sample) == {"index.store", "chromadb"}
