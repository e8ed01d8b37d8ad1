"""Build step that puts the top-level ``resources/`` folder inside the package, as ``photoclip/resources``.

Everything else is declared in pyproject.toml. The folder stays at the top of the checkout (the
app, the tests and the installers all read it there); wheels carry a copy inside the package, so
an installed photoclip finds its label sets, the bundled small model and the icons beside its
code (see ``photoclip.core.paths.resources_dir``). The sdist carries the folder itself (MANIFEST.in).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into ``photoclip/resources`` of the build."""

    def run(self) -> None:
        """Builds the Python modules, then the copy of the resources."""
        super().run()
        # An editable install reads the checkout's own resources/ (a copy there could go stale).
        if getattr(self, "editable_mode", False):
            return
        if not RESOURCES.is_dir():
            raise SystemExit(f"setup.py: {RESOURCES} is missing; photoclip cannot be built without it")
        target = Path(self.build_lib) / "photoclip" / "resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithResources})
