"""Tests that the reports open offline in a real headless Chromium and show the run's figures."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest

from staffing.report import render_comparison, t
from staffing.report.charts import both, points
from tests.builders import invoke
from tests.report.browser import Browser

RUN_SECTIONS = ["summary", "fill", "villages", "ranks", "rules", "blocking", "people"]
HEADINGS = {"zh": "概况", "en": "Summary"}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def card(page: Any, key: str) -> str:
    return page.inner_text(f'.card[data-key="{key}"] .value').strip()


def screenshot(page: Any, tmp_path: Path, name: str) -> Path:
    """Save a screenshot of the page (also into $STAFFING_SCREENSHOTS when set)."""
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000  # a page was drawn, not a blank
    folder = os.environ.get("STAFFING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
    return target


def expected_summary(run_dir: Path) -> dict[str, str]:
    """The summary figures as the manifest and the roster files give them."""
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    check = manifest["check"]
    vacant = sum(int(r["vacant"]) for r in rows(run_dir / "vacancies.csv"))
    return {
        "hard_violations": str(check["hard_violations"]),
        "blocking_pairs": str(check["stages"]["blocking_pairs"]),
        "first_choice_share": f"{check['indicators']['first_choice_share']:.1%}",
        "any_choice_share": f"{check['indicators']['any_choice_share']:.1%}",
        "vacant_places": f"{vacant:,}",
        "people": f"{manifest['instance']['people']:,}",
        "status": manifest["solver"]["status"],
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_run_report_shows_every_section_with_the_runs_figures(
        run_dir: Path, browser: Browser, tmp_path: Path, lang: str) -> None:
    """Tests that report.html opens offline without console errors, every section shown, the
    summary cards equal to the manifest's and the roster files' figures, in both languages."""
    expected = expected_summary(run_dir)
    with browser.open(run_dir / "report.html", lang) as (page, visit):
        assert page.evaluate("document.documentElement.lang") == lang
        for anchor in RUN_SECTIONS:
            heading = page.locator(f"section#{anchor} > h2")
            assert heading.is_visible(), anchor
            assert heading.inner_text().strip(), anchor
        assert page.locator("section#summary > h2").inner_text().startswith(HEADINGS[lang])
        for key in ("hard_violations", "blocking_pairs", "first_choice_share",
                    "any_choice_share", "vacant_places", "people"):
            assert card(page, key) == expected[key], key
        status = card(page, "status")
        assert ("proven optimal" in status or "已证明最优" in status) == \
            (expected["status"] == "optimal")
        people = len(rows(run_dir / "roster.csv"))
        assert page.locator("#people-table tbody tr").count() == min(people, 300)
        assert page.locator("section#fill svg:visible").count() == 2  # tier and institution charts
        screenshot(page, tmp_path, f"report-run-{lang}")
        assert visit.problems == []


def test_search_box_filters_and_headings_sort(run_dir: Path, browser: Browser) -> None:
    """Tests that typing in the search box filters the person table in the page, and that a
    click on a column heading sorts it."""
    roster = rows(run_dir / "roster.csv")
    last = max(r["person"] for r in roster)
    with browser.open(run_dir / "report.html") as (page, visit):
        table = page.locator("#people-table")
        search = table.locator("input.search")
        search.fill(last)
        body = table.locator("tbody tr")
        assert body.count() >= 1
        assert all(last in body.nth(i).inner_text() for i in range(body.count()))
        search.fill("no-such-person-xyz")
        assert body.count() == 0
        search.fill("")
        assert body.count() == min(len(roster), 300)
        header = table.locator("thead th").first
        header.click()
        header.click()  # descending
        assert body.first.locator("td").first.inner_text() == last
        assert header.get_attribute("aria-sort") == "descending"
        assert visit.problems == []


def test_language_switch_changes_every_text(run_dir: Path, browser: Browser) -> None:
    """Tests that the switch button turns the page (table included) from Chinese to English."""
    with browser.open(run_dir / "report.html") as (page, visit):
        assert page.locator("section#summary > h2").inner_text().startswith("概况")
        page.click("#lang-switch")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.locator("section#summary > h2").inner_text().startswith("Summary")
        assert page.locator("#people-table thead th").nth(1).inner_text() == "name"
        assert "搜索" not in page.locator("#people-table input.search").get_attribute(
            "placeholder")
        assert visit.problems == []


def test_pay_report_shows_the_plans_funds_and_ratio(pay_dir: Path, browser: Browser,
                                                    tmp_path: Path) -> None:
    """Tests that the pay report shows each fund's budget, paid and left over as funds.csv
    does, and the grassroots / lead ratio of figures.json."""
    figures = json.loads((pay_dir / "figures.json").read_text(encoding="utf-8"))["figures"]
    funds = rows(pay_dir / "funds.csv")
    with browser.open(pay_dir / "report.html", "en") as (page, visit):
        text = page.locator("section#pay").inner_text()
        for fund in funds:
            for column in ("budget", "paid", "left_over"):
                assert f"{float(fund[column]):,.2f}" in text, (fund["fund"], column)
        if figures.get("tier_ratio") is not None:
            assert card(page, "tier_ratio") == f"{figures['tier_ratio']:.4f}"
        assert page.locator("#pay-table tbody tr").count() == min(
            len(rows(pay_dir / "pay.csv")), 300)
        screenshot(page, tmp_path, "report-pay-en")
        assert visit.problems == []


def test_report_command_redraws_from_the_run_folder(run_dir: Path, browser: Browser,
                                                    tmp_path: Path) -> None:
    """Tests that ``staffing report RUN_DIR`` draws the page again from report.json alone."""
    out = tmp_path / "again.html"
    result = invoke("report", run_dir, "--lang", "en", "--out", out)
    assert result.exit_code == 0, result.output
    with browser.open(out) as (page, visit):
        assert page.evaluate("document.documentElement.lang") == "en"
        assert card(page, "blocking_pairs") == expected_summary(run_dir)["blocking_pairs"]
        assert visit.problems == []


def test_comparison_page_shows_indicators_charts_and_moves(browser: Browser,
                                                           tmp_path: Path) -> None:
    """Tests that a comparison page built from the shared parts opens offline and filters."""
    svg = both(lambda lang: points(lang, [(t("前沿", "frontier"), [1, 2, 3], [9, 7, 6])],
                                   title=t("取舍", "trade-off"), x=t("空缺", "vacancies"),
                                   y=t("不稳定配对", "blocking pairs")))
    html = render_comparison(
        ["A", "B"],
        [{"label": t("获第一志愿比例", "first-choice share"), "key": "first_choice_share",
          "values": ["61.0%", "58.0%"]}],
        [{"svg": svg, "caption": t("前沿", "frontier")}],
        [{"person": "P1", "name": "张三", "from": "H01-IM-J", "to": "T01-GP-J",
          "note": t("调往乡镇", "to a township")},
         {"person": "P2", "name": "李四", "from": "T01-GP-J", "to": "", "note": ""}],
        title=t("政策比较", "Policy comparison"))
    path = tmp_path / "compare.html"
    path.write_text(html, encoding="utf-8")
    with browser.open(path, "en") as (page, visit):
        assert "first-choice share" in page.locator("section#indicators").inner_text()
        assert page.locator("section#charts svg:visible").count() == 1  # the English one shown
        page.locator("#moves-table input.search").fill("township")
        assert page.locator("#moves-table tbody tr").count() == 1
        assert visit.problems == []
