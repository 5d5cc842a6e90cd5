"""environment.yml (conda) and pyproject.toml (pip) ask for the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: PyPI name -> conda-forge name, where they differ (conda-forge's `playwright` is the Node.js
#: tool; the Python package is `playwright-python`).
CONDA_NAMES = {"playwright": "playwright-python"}


def _normalise(requirement: str) -> str:
    """Name and version, without pip extras (``psycopg[binary]`` is conda's ``psycopg``)
    or comments."""
    requirement = requirement.split("#", 1)[0]
    name, rest = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?(.*)", requirement.strip()).groups()
    return name.lower().replace("_", "-") + rest.replace(" ", "")


def _as_conda(requirement: str) -> str:
    name, rest = re.match(r"([a-z0-9.\-]+)(.*)", _normalise(requirement)).groups()
    return CONDA_NAMES.get(name, name) + rest


def test_environment_yml_equals_the_pip_dependencies():
    """The same packages and floors, under conda-forge's names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = {_as_conda(r) for r in project["dependencies"]}
    pip |= {_as_conda(r) for r in project["optional-dependencies"]["test"]}
    conda = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = line.strip()
        if item.startswith("- ") and not item.startswith(("- python>", "- pip", "- -e")):
            conda.add(_normalise(item[2:]))
    assert conda == pip


def test_minimum_versions_stay_clear_of_known_advisories():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = dict(re.match(r"([a-z_]+)>=(.+)", d.lower()).groups() for d in deps)
    as_tuple = lambda v: tuple(int(p) for p in v.split("."))  # noqa: E731
    assert as_tuple(pins["voila"]) >= (0, 5, 6)
    assert as_tuple(pins["jupyter_server"]) >= (2, 20, 0)
    assert as_tuple(pins["jupyterlab"]) >= (4, 6, 2)


def test_a_plain_install_ships_every_module_notebook_template_and_data_file(tmp_path):
    """`pip install .` (not editable) must carry what `codesign demo` needs to run."""
    import subprocess
    import sys
    import zipfile

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
        timeout=300,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "codesign_widgets"
    expected = {
        f"codesign_widgets/{p.relative_to(package)}"
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected |= {
        f"codesign_widgets/data/{p.relative_to(ROOT / 'data')}"
        for p in (ROOT / "data").rglob("*.toml")
    }
    expected |= {
        f"codesign_widgets/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")
    }
    assert expected - names == set()


def test_every_package_the_code_imports_is_declared():
    """A fresh clone installs only what pyproject.toml names (a missing one broke CI once)."""
    import ast
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        re.match(r"[A-Za-z0-9_.\-]+", r).group().lower().replace("-", "_")
        for r in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    imported = set()
    for folder in ("codesign_widgets", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    imported.add(node.module.split(".")[0])
    # The benchmarks import each other (bench_room uses bench_pages' probes) as scripts do.
    ours = {"codesign_widgets", "tests"} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    third_party = {m.lower() for m in imported - set(sys.stdlib_module_names) - ours}
    assert third_party - declared == set()


def test_the_license_file_is_the_one_the_package_declares():
    license_ = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    text = (ROOT / "LICENSE").read_text()
    assert license_ == "BSD-3-Clause"
    assert text.startswith("BSD 3-Clause License")
    assert "Neither the name of the copyright holder" in text
