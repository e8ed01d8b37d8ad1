"""photoclip as people install it: an sdist and a wheel that carry resources/, and ``python -m photoclip``.

The sdist is built from this checkout with setuptools' own build hook, the wheel from that sdist
with pip (as ``pip install photoclip`` from an index would), and the wheel is installed into a
throw-away folder outside the checkout; the demo and a search then run from a third folder through
that installed copy, never through the checkout.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import photoclip

CHECKOUT = Path(__file__).resolve().parents[1]
RESOURCES = CHECKOUT / "resources"


def _resource_files() -> list[str]:
    """Every file under the checkout's resources/, as a path relative to it."""
    return sorted(p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*") if p.is_file())


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sdist built from this checkout, and the wheel pip builds from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    build_sdist = f"from setuptools import build_meta; print(build_meta.build_sdist({str(out)!r}))"
    sdist = out / _run([sys.executable, "-c", build_sdist], cwd=CHECKOUT).strip().splitlines()[-1]
    wheels = tmp_path_factory.mktemp("wheels")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    _run([*pip_wheel, "-w", str(wheels), str(sdist)], cwd=out)
    (wheel,) = wheels.glob("photoclip-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The wheel installed into a throw-away folder, and an environment that imports photoclip from there."""
    target = tmp_path_factory.mktemp("site")
    pip_install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
    _run([*pip_install, "--target", str(target), str(built[1])], cwd=target)
    home = tmp_path_factory.mktemp("user")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PHOTOCLIP_LIBRARY")}
    # PYTHONPATH comes before the venv's site-packages, where the checkout is installed in editable mode.
    env.update(PYTHONPATH=str(target), PHOTOCLIP_CACHE=str(home / "cache"), QT_QPA_PLATFORM="offscreen")
    return target, env, home


def test_sdist_carries_resources_and_what_builds_the_wheel(built):
    sdist, _ = built
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    top = sdist.name.removesuffix(".tar.gz")
    missing = [f for f in _resource_files() if f"{top}/resources/{f}" not in names]
    assert not missing, f"the sdist lacks resources: {missing}"
    for needed in ("setup.py", "MANIFEST.in", "pyproject.toml", "photoclip/__main__.py", "photoclip/core/paths.py"):
        assert f"{top}/{needed}" in names


def test_wheel_carries_resources_inside_the_package(built):
    _, wheel = built
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _resource_files() if f"photoclip/resources/{f}" not in names]
    assert not missing, f"the wheel lacks resources: {missing}"
    assert "photoclip/__main__.py" in names
    # Only photoclip itself: no top-level resources/ (or anything else) dropped into site-packages.
    assert {name.split("/")[0] for name in names} == {"photoclip", f"photoclip-{photoclip.__version__}.dist-info"}


def test_installed_wheel_runs_the_demo_and_a_search_outside_the_checkout(installed, tmp_path):
    target, env, home = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    show = "import photoclip, photoclip.core.paths as p; print(photoclip.__file__); print(p.resources_dir())"
    where = _run([sys.executable, "-c", show], cwd=elsewhere, env=env).splitlines()
    # The copy that runs is the installed one, and it finds the resources it carries.
    assert Path(where[0]).parent == target / "photoclip"
    assert Path(where[1]) == target / "photoclip" / "resources"

    library = home / "demo"
    photoclip_command = [sys.executable, "-m", "photoclip", "--library", str(library)]
    demo = _run([*photoclip_command, "demo", "--count", "12", "--max-size", "256"], cwd=elsewhere, env=env)
    assert "12 indexed" in demo and "0 unreadable" in demo

    # Search for what one of the demo pictures shows (its name says it) and expect a picture like it first.
    picture = sorted((library / "pictures").iterdir())[1]
    colour, shape = picture.stem.split("-")[1:]
    query = ["search", f"a {colour} {shape}", "-n", "3", "--relevance", "all", "--json"]
    found = _run([*photoclip_command, *query], cwd=elsewhere, env=env)
    hits = json.loads(found)
    assert len(hits) == 3
    assert Path(hits[0]["path"]).stem.endswith(f"-{colour}-{shape}")


def test_python_m_photoclip_is_the_photoclip_command(tmp_path):
    command = Path(sys.executable).with_name("photoclip")
    if not command.exists():
        pytest.skip("the photoclip command is not installed beside this Python")
    for args in (["--version"], ["search"], ["no-such-command"]):
        as_module = subprocess.run(
            [sys.executable, "-m", "photoclip", *args], cwd=tmp_path, capture_output=True, text=True
        )
        as_command = subprocess.run([str(command), *args], cwd=tmp_path, capture_output=True, text=True)
        assert (as_module.returncode, as_module.stdout, as_module.stderr) == (
            as_command.returncode,
            as_command.stdout,
            as_command.stderr,
        )
    assert as_module.returncode == 2 and "no-such-command" in as_module.stderr


# Only the torch edition (CUDA, MPS) and exporting open_clip weights use these.
TORCH_EDITION_ONLY = {"torch", "torchvision", "open-clip-torch", "safetensors"}


def _project_name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_onnx_installer_gets_every_dependency_but_torchs():
    tomllib = pytest.importorskip("tomllib")
    declared = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["project"]["dependencies"]
    listed = (CHECKOUT / "packaging" / "requirements-onnx.txt").read_text().splitlines()
    onnx_edition = [line.strip() for line in listed if line.strip() and not line.startswith("#")]
    expected = [d for d in declared if _project_name(d) not in TORCH_EDITION_ONLY]
    # Same packages with the same version bounds, so the installer runs what pip users run.
    assert sorted(onnx_edition, key=_project_name) == sorted(expected, key=_project_name)
