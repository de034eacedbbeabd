"""Governance in Chromium on the demo region, as the governance officer (demo user "styrning"): a missed
deadline stands out on the portfolio page; the steering group scores and ranks projects and the decision
freezes the list; the programme office prepares an action plan, ties an action to an indicator and exports
the document for Socialstyrelsen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from naravard.config import Settings
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser


def test_a_missed_deadline_stands_out_on_the_portfolio(page: Page, demo_settings: Settings) -> None:
    log_in(page, "styrning", demo_settings.demo_password)
    page.goto("/styrning")
    missed = page.locator("#missed")
    expect(missed).to_be_visible()
    expect(missed).to_contain_text("Missade tidsfrister")
    # the seeded directives not registered in Platina by 31 October 2021 are marked in the table
    row = page.locator("#directives tr.overdue", has_text="Vårdform 4: Närvårdscenter")
    expect(row).to_contain_text("Missad")


def test_steering_group_scores_ranks_and_the_decision_freezes_the_list(
    page: Page, demo_settings: Settings
) -> None:
    log_in(page, "styrning", demo_settings.demo_password)
    page.goto("/styrning")
    page.locator("#plans a").first.click()
    expect(page.locator("#decided li").first).to_be_visible()
    last = page.locator("#ranking li").last.inner_text().split(" (")[0]
    # score the last project top on every criterion: it moves to the top of the working ranking
    row = page.locator("#scores tbody tr", has_text=last)
    for box in row.locator("input[type=number]").all():
        box.fill("5")
    row.get_by_role("button", name="Spara").click()
    expect(page.locator("#ranking li").first).to_contain_text(last)
    expect(page.locator("#changes")).to_contain_text(last)
    page.get_by_label("Beslut", exact=True).fill("HSL fastställer den nya prioriteringen")
    page.locator("#decide").click()
    expect(page.get_by_role("status")).to_contain_text("beslutad och låst")
    expect(page.locator("#decided li").first).to_contain_text(last)
    expect(page.locator("#changes")).to_contain_text("Inga ändringar sedan beslutet")
    page.goto("/styrning/beslut?q=nya+prioriteringen")
    expect(page.locator("#decisions")).to_contain_text("HSL fastställer den nya prioriteringen")


def test_programme_office_prepares_an_action_plan_and_exports_it(page: Page, demo_settings: Settings) -> None:
    log_in(page, "styrning", demo_settings.demo_password)
    page.goto("/styrning")
    form = page.locator("#new-action-plan")
    form.get_by_label("Titel").fill("Handlingsplan tillgänglighet 2022")
    form.get_by_label("Organ").select_option(label="Programkontor God och nära vård")
    form.get_by_label("Senast").fill("2022-09-30")
    form.get_by_label("Fokus").fill("Tillgänglighet i primärvården")
    form.get_by_role("button", name="Skapa").click()
    expect(page.locator("h1")).to_have_text("Handlingsplan tillgänglighet 2022")
    add = page.locator("#add-action")
    add.get_by_label("Åtgärd").fill("Kontakt med hälsocentralen samma dag")
    add.get_by_label("Ansvarig").fill("Programkontoret")
    add.get_by_label("Klart senast").fill("2022-06-30")
    add.get_by_label("Indikatorer").select_option(["A0"])
    add.get_by_role("button", name="Lägg till").click()
    row = page.locator("#actions tbody tr", has_text="Kontakt med hälsocentralen samma dag")
    expect(row).to_be_visible()
    expect(row.locator(".figure")).to_have_count(1)
    href = page.locator("#export").get_attribute("href")
    assert href and re.search(r"/handlingsplan\.pdf$", href)
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:4] == b"%PDF"
