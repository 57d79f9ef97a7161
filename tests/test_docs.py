"""The docs site builds with ``mkdocs build --strict`` (broken links, missing pages and unknown
reference markers fail it), and its generated reference sections match the code."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import INSTALL_HINT, Browser, StaticSite, find_browser

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "docs" / "hooks"))

import reference  # noqa: E402


@dataclass
class BuiltSite:
    result: subprocess.CompletedProcess[str]
    path: Path


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site as ``mkdocs build --strict`` writes it (built once for this module)."""
    site = tmp_path_factory.mktemp("docs") / "site"
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    return BuiltSite(result, site)


def test_mkdocs_build_strict(built_site: BuiltSite) -> None:
    result = built_site.result
    assert result.returncode == 0, result.stdout + result.stderr
    page = (built_site.path / "config-reference" / "index.html").read_text(encoding="utf-8")
    assert "<code>temperature</code>" in page
    assert "targets[i].override_params.temperature" in page.replace("<wbr>", "")
    assert "x-portkey-trace-id" in page
    cli_page = (built_site.path / "cli" / "index.html").read_text(encoding="utf-8")
    assert "usage: portkey config validate" in cli_page


# Measured in each page once it has loaded: page width against the window, tables wider than
# their column (or scrolling inside), and whether the site's own stylesheet colours code.
MEASURE = """(() => {
  const root = document.documentElement;
  const keywords = [...document.querySelectorAll('.codehilite pre .k, .codehilite pre .kn')];
  const plain = (k) => getComputedStyle(k.closest('pre')).color;
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    tables: document.querySelectorAll('[role="main"] table').length,
    wideTables: [...document.querySelectorAll('[role="main"] table')].filter(t => {
      const box = getComputedStyle(t.parentElement);
      const room = t.parentElement.clientWidth - parseFloat(box.paddingLeft)
        - parseFloat(box.paddingRight);
      return t.scrollWidth > t.clientWidth + 1 || t.offsetWidth > room + 1;
    }).length,
    codeBlocks: document.querySelectorAll('pre code').length,
    highlightedBlocks: document.querySelectorAll('.codehilite').length,
    keywords: keywords.length,
    colouredKeywords: keywords.filter(k => getComputedStyle(k).color !== plain(k)).length,
    stylesheets: [...document.styleSheets].map(s => s.href || ''),
  };
})()"""


def test_pages_in_a_real_browser(built_site: BuiltSite) -> None:
    """Every page at 1280x800 in headless Chromium: nothing is fetched from off the machine,
    nothing scrolls sideways, and code is highlighted by the site's own stylesheet."""
    assert built_site.result.returncode == 0, built_site.result.stderr
    binary = find_browser()
    if binary is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    pages = sorted(page.parent for page in built_site.path.rglob("index.html"))
    assert len(pages) >= 10, pages
    with StaticSite(built_site.path) as served, Browser(binary, 1280, 800) as browser:
        urls = [served.url + ("" if page == built_site.path else
                              page.relative_to(built_site.path).as_posix() + "/")
                for page in pages]  # fmt: skip
        visits = browser.visit(urls, MEASURE)

    pages_with_keywords = 0
    tables = 0
    for visit in visits:
        measured = visit.measured
        assert measured, f"{visit.url}: the measuring script returned nothing"
        off_machine = [url for url in visit.requests if not url.startswith(served.url)]
        assert off_machine == [], f"{visit.url} fetched {off_machine}"
        assert visit.url in visit.requests  # the page itself was loaded (and recorded)
        assert measured["scrollWidth"] <= measured["clientWidth"], (visit.url, measured)
        assert measured["wideTables"] == 0, (visit.url, measured)
        assert any(href.endswith("css/pygments.css") for href in measured["stylesheets"])
        assert measured["highlightedBlocks"] == measured["codeBlocks"], (visit.url, measured)
        assert measured["colouredKeywords"] == measured["keywords"], (visit.url, measured)
        pages_with_keywords += bool(measured["keywords"])
        tables += measured["tables"]
    assert pages_with_keywords >= 3  # Python examples on several pages, coloured
    assert tables >= 15  # the reference tables were among those measured


def test_every_llmoptions_field_is_documented() -> None:
    from portkey import LLMOptions

    table = reference.fields_table("LLMOptions")

    for name in LLMOptions.model_fields:
        assert f"| `{name}` |" in table


def test_every_client_parameter_is_documented() -> None:
    from portkey.api_resources.client_params import ClientParams

    table = reference.client_params_table()

    for name in ClientParams.__annotations__:
        assert f"| `{name}` |" in table
    assert "| `trace_id` | `Optional[str]` | `x-portkey-trace-id` |" in table


def test_unknown_marker_fails_the_build() -> None:
    with pytest.raises(ValueError, match="unknown marker"):
        reference.expand("<!-- portkey:nonsense -->", "page.md")
    with pytest.raises(ValueError, match="no model named 'Nope'"):
        reference.expand("<!-- portkey:fields Nope -->", "page.md")
