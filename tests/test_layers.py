"""The layers hold for templates too. import-linter (pyproject.toml, run by bin/test) checks
the Python imports; a template's {% extends %}, {% include %} and {% load %} are imports it
cannot see, so this test checks them against the same layers: a template may use only
templates and tag libraries of its own app or of a layer below."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from django.template import engines
from django.template.loader import get_template
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planstatus"
USES = re.compile(r"""{%\s*(extends|include)\s+["']([^"']+)["']|{%\s*load\s+([^%]+?)\s*%}""")


def layers() -> dict[str, int]:
    """App → its layer's position from the top, as the first import-linter contract says."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = config["tool"]["importlinter"]["contracts"][0]
    assert contract["type"] == "layers"
    return {
        module.strip().removeprefix("planstatus."): position
        for position, layer in enumerate(contract["layers"])
        for module in layer.split("|")
    }


def app_of(path: str) -> str | None:
    """The planstatus app a file belongs to, or None for Django's and other packages'."""
    parts = Path(path).resolve().parts
    if PACKAGE.parts != parts[: len(PACKAGE.parts)]:
        return None
    return parts[len(PACKAGE.parts)]


class TemplateLayerTests(SimpleTestCase):
    def test_templates_use_only_their_own_app_and_the_layers_below(self) -> None:
        position = layers()
        libraries = engines["django"].engine.libraries  # type: ignore[attr-defined]
        library_apps = {
            name: app_of(str(ROOT / (module.replace(".", "/") + ".py")))
            for name, module in libraries.items()
        }
        seen = 0
        wrong = []
        for template in sorted(PACKAGE.glob("*/templates/**/*.*")):
            app = app_of(str(template))
            assert app is not None
            for kind, name, loaded in USES.findall(template.read_text()):
                if kind:
                    used = [app_of(str(get_template(name).origin.name))]  # type: ignore[attr-defined]
                else:
                    used = [library_apps.get(lib) for lib in loaded.split()]
                for other in used:
                    seen += 1
                    if other is None or other == app:
                        continue
                    if position[other] <= position[app]:
                        where = template.relative_to(ROOT)
                        wrong.append(f"{where} uses {other} ({name or loaded})")
        self.assertGreater(seen, 100)  # the scan found the templates' uses
        self.assertEqual(wrong, [])
