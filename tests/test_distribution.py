"""The SDK as a distribution: its own name (not the vendor's ``portkey-ai``), metadata that
describes it, and one plain warning when the vendor's SDK shares the environment.

The vendor's SDK is laid out in a temporary folder the way pip installs it (its ``portkey_ai/``
files and a ``portkey_ai-2.3.4.dist-info`` with METADATA and RECORD); the subprocesses find it
on their path, like a site-packages folder.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest

import portkey
from portkey._vendor_check import vendor_sdk_version
from portkey.version import DISTRIBUTION_NAME, VENDOR_DISTRIBUTION_NAME

REPO_ROOT = Path(__file__).resolve().parents[1]
# Where `portkey` is imported from: this checkout, or site-packages when a wheel is tested.
PACKAGE_PARENT = Path(portkey.__file__).resolve().parents[1]
SUPPORTED_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]


def setup_cfg() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO_ROOT / "setup.cfg", encoding="utf-8")
    return parser


def fake_vendor_site(root: Path, *, owns_portkey_too: bool = False, metadata: bool = True) -> Path:
    """A site folder holding the vendor's SDK as pip would leave it."""
    site = root / "site"
    package = site / "portkey_ai"
    (package / "api_resources").mkdir(parents=True)
    (package / "__init__.py").write_text("VENDOR = 'the vendor SDK'\n", encoding="utf-8")
    (package / "version.py").write_text("VERSION = '2.3.4'\n", encoding="utf-8")
    (package / "api_resources" / "__init__.py").write_text("", encoding="utf-8")
    if metadata:
        info = site / "portkey_ai-2.3.4.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: portkey-ai\nVersion: 2.3.4\n", encoding="utf-8"
        )
        files = ["portkey_ai/__init__.py", "portkey_ai/version.py",
                 "portkey_ai/api_resources/__init__.py"]  # fmt: skip
        if owns_portkey_too:  # an earlier install of this SDK: its portkey/ is there too
            (site / "portkey").mkdir()
            (site / "portkey" / "__init__.py").write_text("", encoding="utf-8")
            files.append("portkey/__init__.py")
        files.append("portkey_ai-2.3.4.dist-info/RECORD")
        (info / "RECORD").write_text("".join(f"{name},,\n" for name in files), encoding="utf-8")
    return site


def run_python(code: str, path: List[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``path`` in front, from ``cwd`` (a folder holding no package)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(entry) for entry in path)}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=cwd,
    )


def warnings_in(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result.stderr
    return result.stderr.count("VendorSDKWarning")


def test_distribution_name_is_its_own() -> None:
    name = setup_cfg()["metadata"]["name"]
    assert name == DISTRIBUTION_NAME
    assert name.lower().replace("_", "-") not in {"portkey", VENDOR_DISTRIBUTION_NAME}


def test_metadata_names_license_pythons_and_urls() -> None:
    metadata = setup_cfg()["metadata"]
    classifiers = metadata["classifiers"]
    for version in SUPPORTED_PYTHONS:
        assert f"Programming Language :: Python :: {version}\n" in classifiers + "\n"
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert "Development Status ::" in classifiers
    assert "Source = " in metadata["project_urls"]
    license_text = (REPO_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "2026" in license_text
    for document in ("CHANGELOG.md", "CONTRIBUTING.md", "SECURITY.md"):
        assert (REPO_ROOT / document).is_file(), document


def test_typing_extensions_is_declared_because_it_is_imported() -> None:
    requires = setup_cfg()["options"]["install_requires"]
    assert "typing_extensions" in requires
    assert any(
        "from typing_extensions import" in path.read_text(encoding="utf-8")
        for path in (REPO_ROOT / "portkey").rglob("*.py")
    )


def test_python_requires_matches_the_oldest_classifier() -> None:
    assert setup_cfg()["options"]["python_requires"] == f">={SUPPORTED_PYTHONS[0]}"


def test_vendor_sdk_found_with_its_version(tmp_path: Path) -> None:
    assert vendor_sdk_version([str(fake_vendor_site(tmp_path))]) == "2.3.4"


@pytest.mark.parametrize(
    ("owns_portkey_too", "metadata"),
    [(True, True), (False, False)],
    ids=["an-earlier-install-of-this-sdk-under-that-name", "leftover-files-without-metadata"],
)
def test_not_the_vendor_sdk(tmp_path: Path, owns_portkey_too: bool, metadata: bool) -> None:
    site = fake_vendor_site(tmp_path, owns_portkey_too=owns_portkey_too, metadata=metadata)
    assert vendor_sdk_version([str(site)]) is None


def test_alias_installed_last_warns_once(tmp_path: Path) -> None:
    site = fake_vendor_site(tmp_path)
    result = run_python(
        "import portkey, portkey_ai\n"
        "from portkey._vendor_check import warn_if_vendor_sdk_installed\n"
        "warn_if_vendor_sdk_installed()\n"
        "print(portkey_ai is portkey)",
        [PACKAGE_PARENT, site],
        tmp_path,
    )
    assert warnings_in(result) == 1
    assert result.stdout.strip() == "True"
    assert "portkey-ai 2.3.4" in result.stderr
    assert f"pip install --force-reinstall {DISTRIBUTION_NAME}" in result.stderr


def test_vendor_installed_last_warns_on_import_portkey(tmp_path: Path) -> None:
    site = fake_vendor_site(tmp_path)
    result = run_python(
        "import portkey, portkey_ai\nprint(portkey_ai.VENDOR)", [site, PACKAGE_PARENT], tmp_path
    )
    assert warnings_in(result) == 1
    assert result.stdout.strip() == "the vendor SDK"
    assert "'import portkey' always gives this SDK" in result.stderr


def test_no_warning_without_the_vendor_sdk(tmp_path: Path) -> None:
    result = run_python("import portkey_ai; print(portkey_ai.__name__)", [PACKAGE_PARENT], tmp_path)
    assert warnings_in(result) == 0
    assert result.stdout.strip() == "portkey"


# What an unpacked sdist needs to run the whole suite (tests/test_docs.py builds the docs,
# tests/test_notebook.py runs the example, tests/test_cli.py reads README and Makefile, the
# gateway comes from package.json / package-lock.json).
SDIST_TOP_LEVEL = ["LICENSE", "README.md", "CHANGELOG.md", "CONTRIBUTING.md", "SECURITY.md",
                   "Makefile", "noxfile.py", "mkdocs.yml", "package.json", "package-lock.json",
                   "setup.cfg", "setup.py", "pyproject.toml", ".ci/run"]  # fmt: skip
SDIST_TREES = ["portkey", "portkey_ai", "tests", "docs", "examples", "bench"]
#: Never in the sdist: byte code, notebook checkpoints, and the benchmark's local results and
#: cache (its venvs, made by ``make bench-anchors``; git-ignored).
NOT_SHIPPED = ("__pycache__", ".pyc", ".ipynb_checkpoints", "bench/results/", "bench/.cache/")


def shippable_files() -> List[str]:
    files = list(SDIST_TOP_LEVEL)
    for tree in SDIST_TREES:
        for path in (REPO_ROOT / tree).rglob("*"):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if path.is_file() and not any(part in relative for part in NOT_SHIPPED):
                files.append(relative)
    return files


def test_sdist_carries_everything_the_suite_needs(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(
        REPO_ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            "node_modules", ".venv", ".nox", ".git", "site", "dist", "build", "*.egg-info",
            "__pycache__", ".*_cache", ".hypothesis", ".cache",
        ),
    )  # fmt: skip
    # A benchmark venv left in the checkout (make bench-anchors) is not source.
    stray = tree / "bench" / ".cache" / "venv-runtime" / "lib" / "site.py"
    stray.parent.mkdir(parents=True)
    stray.write_text("")
    build = (
        "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    )
    built = subprocess.run(
        [sys.executable, "-c", build, str(tmp_path / "dist")],
        cwd=tree, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    archive = tmp_path / "dist" / built.stdout.strip().splitlines()[-1]
    # setuptools >= 69.3 writes portkey_gateway_sdk-1.0.0.tar.gz, older ones the name as given.
    assert archive.name.replace("_", "-").startswith(DISTRIBUTION_NAME + "-")
    with tarfile.open(archive) as sdist:
        root = archive.name[: -len(".tar.gz")]
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        assert root + "/PKG-INFO" in sdist.getnames()
    missing = sorted(set(shippable_files()) - members)
    assert missing == []
    assert not [name for name in members if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in members if name.startswith("bench/.cache/")]
