"""The imports that import-linter cannot see: dotted names in strings.

`lint-imports` (the contracts in pyproject.toml, `[tool.importlinter]`) reads every `import`
statement, those inside functions included. A module can also reach another app through a
string: `import_module("lianxin.x.y")`, `import_string("lianxin.x.y.name")`,
`apps.get_model("x", "Model")` / `apps.get_model("x.Model")`, `apps.get_app_config("x")`.
This script finds those (string literals only) in the domain code and fails when one crosses
the same layers contract in the forbidden direction: an app naming an app of a higher layer or
of its own layer, or code other than an `api` module naming an `api` module.

Not counted: model relations by label (`ForeignKey("org.Person")`, signal senders), which are
the schema rather than code; names built at run time (`f"{config.name}.demo"`), which name no
app. Run by `make test` after `lint-imports`; `python scripts/check_imports.py [ROOT]`.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "lianxin"

# Deliberate crossings, each with its reason (keep this short).
ALLOWED = {
    ("lianxin.core.retention", "notifications"): "retention: the one place that deletes rows of "
    "the append-only tables (docs/architecture.md, Retention)",
    ("lianxin.core.retention", "casework"): "retention: as above",
}

IMPORTERS = {"import_module", "import_string", "__import__"}
BY_LABEL = {"get_model", "get_app_config"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    target: str  # the dotted name or app label found in the string
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} → {self.target!r}: {self.reason}"


def layers(pyproject: Path = REPO / "pyproject.toml") -> dict[str, int]:
    """Each app's layer (0 = top) from the "layers" contract of pyproject.toml."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "layers")
    result = {}
    for index, layer in enumerate(contract["layers"]):
        for module in layer.replace(":", "|").split("|"):
            result[module.strip().split(".")[1]] = index
    return result


def is_checked(relative: Path) -> bool:
    """Domain code: not tests, not the test helpers, not the project's wiring."""
    parts = relative.parts
    if "tests" in parts or parts[1:2] == ("testing",):
        return False
    return parts[1:] not in {("conftest.py",), ("urls.py",), ("settings.py",), ("wsgi.py",)}


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_api(module: str) -> bool:
    parts = module.split(".")
    return parts[:2] == [PACKAGE, "api"] or (len(parts) > 2 and parts[2] == "api")


def _strings(call: ast.Call) -> list[str]:
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def references(tree: ast.AST):
    """(line, kind, target app, dotted name or label) of each dotted-string reference."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        strings = _strings(node)
        if not strings:
            continue
        if name in IMPORTERS and strings[0].startswith(PACKAGE + "."):
            yield node.lineno, name, strings[0].split(".")[1], strings[0]
        elif name in BY_LABEL:
            label = strings[0].split(".")[0]
            yield node.lineno, name, label, strings[0]


def check(root: Path = REPO, pyproject: Path | None = None) -> list[Violation]:
    layer_of = layers(pyproject or root / "pyproject.toml")
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        relative = path.relative_to(root)
        if not is_checked(relative):
            continue
        importer = module_name(relative)
        app = importer.split(".")[1] if "." in importer else None
        if app not in layer_of:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, kind, target_app, target in references(tree):
            if target_app not in layer_of or (importer, target_app) in ALLOWED:
                continue
            if kind in IMPORTERS and is_api(target) and not is_api(importer):
                reason = f"{kind}: only api modules may import api modules"
            elif target_app == app:
                continue
            elif layer_of[target_app] < layer_of[app]:
                reason = f"{kind}: {app} is below {target_app} in the layers"
            elif layer_of[target_app] == layer_of[app]:
                reason = f"{kind}: {app} and {target_app} are independent (one layer)"
            else:
                continue
            found.append(Violation(str(relative), line, importer, target, reason))
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else REPO
    found = check(root)
    for violation in found:
        print(violation)
    if found:
        print(
            "字符串形式的导入违反了分层约定，见 docs/architecture.md "
            "(a dotted-string import breaks the layers contract)"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
