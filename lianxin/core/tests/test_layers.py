"""The layers contract of docs/architecture.md is checked: `lint-imports` (import-linter, the
contracts in pyproject.toml) and scripts/check_imports.py (dotted names in strings) pass on the
real tree and fail on a copy of it given one import in the forbidden direction."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _check_imports():
    spec = importlib.util.spec_from_file_location(
        "check_imports", REPO / "scripts" / "check_imports.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.fail(
            f"lint-imports is not installed beside {sys.executable} (pip install -e '.[test]')"
        )
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_tree(tmp_path: Path) -> Path:
    """The package's Python files and pyproject.toml, in tmp_path."""
    shutil.copytree(
        REPO / "lianxin",
        tmp_path / "lianxin",
        ignore=lambda folder, names: (
            [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()]
            + ["__pycache__"]
        ),
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_real_tree_keeps_the_contracts():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert _check_imports().check(REPO) == []


def test_an_import_inside_a_function_against_the_layers_breaks_the_contract(tmp_path):
    root = copy_of_tree(tmp_path)
    # core is the lowest layer; the import hides in a function.
    (root / "lianxin/core/uses_cases.py").write_text(
        "def count():\n    from lianxin.casework.models import Case\n\n    return Case.objects.count()\n"
    )
    # liaison may use org, but not org's router.
    (root / "lianxin/liaison/uses_router.py").write_text("from lianxin.org.api import router\n")
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "lianxin.core.uses_cases -> lianxin.casework.models" in result.stdout
    assert "lianxin.liaison.uses_router -> lianxin.org.api" in result.stdout
    assert "2 broken" in result.stdout


def test_two_apps_of_one_layer_may_not_import_each_other(tmp_path):
    root = copy_of_tree(tmp_path)
    (root / "lianxin/opinions/uses_suggestions.py").write_text(
        "from lianxin.suggestions import queries\n"
    )
    result = lint_imports(root)
    assert result.returncode == 1
    assert "lianxin.opinions.uses_suggestions -> lianxin.suggestions.queries" in result.stdout


def test_dotted_strings_against_the_layers_are_found(tmp_path):
    check_imports = _check_imports()
    root = tmp_path
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    files = {
        # Forbidden: upwards by label, upwards by dotted name, an api module from a view.
        "lianxin/core/by_label.py": 'from django.apps import apps\nM = apps.get_model("casework", "Case")\n',
        "lianxin/org/by_name.py": (
            "from importlib import import_module\n"
            "def f():\n    return import_module('lianxin.liaison.models')\n"
        ),
        "lianxin/web/views.py": (
            "from django.utils.module_loading import import_string\n"
            "R = import_string('lianxin.casework.api.router')\n"
        ),
        # Allowed: downwards, a name built at run time, and tests.
        "lianxin/casework/by_label.py": 'from django.apps import apps\nM = apps.get_model("org.Region")\n',
        "lianxin/core/built.py": "from importlib import import_module\ndef f(app):\n    return import_module(f'{app}.demo')\n",
        "lianxin/core/tests/test_x.py": 'from django.apps import apps\nM = apps.get_model("casework.Case")\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    found = {(v.path, v.line, v.target) for v in check_imports.check(root)}
    assert found == {
        ("lianxin/core/by_label.py", 2, "casework"),
        ("lianxin/org/by_name.py", 3, "lianxin.liaison.models"),
        ("lianxin/web/views.py", 2, "lianxin.casework.api.router"),
    }
    assert check_imports.main(["check_imports.py", str(root)]) == 1
