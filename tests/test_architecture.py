"""The shape of the code, held in CI: layers, the one door, types, file sizes."""

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "photoclip"


def run_tool(*args):
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=PACKAGE.parent)


def test_the_layers_hold():
    """import-linter contracts (pyproject.toml): core imports neither Qt nor the faces, the GUI does not
    import the command line, and neither face imports the storage modules."""
    script = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(script), "--no-cache"], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_faces_never_reach_through_the_library_to_its_catalog():
    """``library.catalog.…`` in the GUI or the command line would go around the Library's door."""
    offences = []
    for face in ("gui", "cli"):
        for path in sorted((PACKAGE / face).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("catalog", "_indexes", "_models"):
                    offences.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} .{node.attr}")
    assert not offences, "\n".join(offences)


def test_the_core_type_checks():
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout[-5000:]


def test_no_source_file_is_over_400_lines():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 400:
            long.append(f"{path.relative_to(PACKAGE.parent)}: {lines} lines")
    assert not long, "\n".join(long)
