"""The documentation: the site builds strictly, and the README stays a short, working front page."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# The README's two commands, each one line on a fresh Debian/Ubuntu with python3 and python3-venv.
DEMO_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/partner-coach demo"
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
)


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    """Run `mkdocs build --strict` on a project directory; the site goes to a temporary directory."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True, timeout=120, env=env,
    )


def copy_docs_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    return project


def test_docs_build_strictly(tmp_path):
    result = mkdocs_build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "operations" / "index.html").is_file()


def test_a_broken_link_fails_the_docs_build(tmp_path):
    project = copy_docs_project(tmp_path)
    with (project / "docs" / "index.md").open("a") as page:
        page.write("\nSee [a page that does not exist](no-such-page.md).\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr


def test_a_page_missing_from_the_navigation_fails_the_docs_build(tmp_path):
    project = copy_docs_project(tmp_path)
    (project / "docs" / "orphan.md").write_text("# Orphan\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "orphan.md" in result.stdout + result.stderr


def test_readme_is_a_short_front_page():
    assert len(README.read_text().splitlines()) <= 150


def test_readme_links_and_images_point_at_files_that_exist():
    text = README.read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links to the docs"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing


def test_readme_shows_both_commands_as_single_lines():
    lines = README.read_text().splitlines()
    assert DEMO_COMMAND in lines
    assert TEST_COMMAND in lines


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TEST_COMMAND in [line.strip() for line in ci]


REPO_PATH = re.compile(r"`[^`]*?\b((?:bot|tests|bench|prompts|docs|\.ci)/[A-Za-z0-9_./-]*)[^`]*`")


def test_files_the_docs_name_exist():
    """A page that names `bot/…`, `tests/…` or `bench/…` points at something real."""
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    named = {(page.name, match.rstrip("."))
             for page in pages for match in REPO_PATH.findall(page.read_text())}
    assert len(named) > 10, "the pattern finds the paths the docs name"
    missing = sorted((page, path) for page, path in named if not (ROOT / path).exists())
    assert not missing
