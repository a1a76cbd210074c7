"""The status package is pure: standard library only, no Django, no floats, no round()."""

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
MODULES = [path for path in SOURCES if "tests" not in path.relative_to(PACKAGE).parts]
TEST_LIBRARIES = {"pytest", "hypothesis", "status"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def called_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def test_every_module_is_checked() -> None:
    names = {path.name for path in MODULES}
    assert {"numbers.py", "periods.py", "rag.py", "spc.py", "__init__.py"} <= names


def test_nothing_in_the_package_imports_django() -> None:
    offenders = [str(path) for path in SOURCES if "django" in imported_roots(path)]
    assert offenders == []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+django\b", text, re.MULTILINE), path


def test_package_modules_use_only_the_standard_library() -> None:
    for path in MODULES:
        outside = imported_roots(path) - set(sys.stdlib_module_names)
        assert outside == set(), f"{path.name} imports {outside}"


def test_tests_use_only_the_standard_library_pytest_and_hypothesis() -> None:
    for path in SOURCES:
        outside = imported_roots(path) - set(sys.stdlib_module_names) - TEST_LIBRARIES
        assert outside == set(), f"{path.name} imports {outside}"


def test_no_module_uses_round_or_float() -> None:
    # STATUS-RULES: half away from zero on Decimals, never round() or binary floats.
    for path in MODULES:
        assert called_names(path).isdisjoint({"round", "float"}), path.name


def test_the_package_imports_and_works_with_django_made_unimportable() -> None:
    script = (
        "import sys; sys.modules['django'] = None\n"
        "from decimal import Decimal\n"
        "import status\n"
        "assert status.rag_status(value=Decimal('89.96'), target=Decimal(90),\n"
        "    polarity=status.Polarity.higher_is_better, precision=1) is status.Rag.green\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PACKAGE.parent, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
