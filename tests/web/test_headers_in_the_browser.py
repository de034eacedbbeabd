"""The Content-Security-Policy without inline script, in Chromium (issue 20): the follow-up charts, which
used to start from an inline script, are drawn by /static/charts.js; the comparison form's choices that
cleared the period with an inline handler do so through /static/site.js; and the browser reports no
violation of the policy on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from naravard.actor import Role
from naravard.config import Settings
from tests.web.test_flows import log_in
from tests.web.test_walk_every_page import demo_users_by_role

pytestmark = pytest.mark.browser


def test_charts_and_form_behaviour_work_under_the_policy(
    page: Page, live_server: str, demo_settings: Settings
) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    analyst = demo_users_by_role(live_server)[Role.ANALYST]
    log_in(page, analyst, demo_settings.demo_password)
    response = page.goto("/followup")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    chart = page.locator("div.js-plotly-chart").first
    expect(chart.locator("svg.main-svg").first).to_be_attached()  # Plotly drew it
    page.goto("/followup/compare")
    period = page.locator("select[name=period]")
    expect(page.locator("div.js-plotly-chart svg.main-svg").first).to_be_attached()
    options = period.locator("option").all()
    if len(options) > 1:
        period.select_option(index=len(options) - 1)
        assert period.input_value() != ""
        page.locator("select[name=period_type]").dispatch_event("change")
        assert period.input_value() == ""  # data-clears="period", by site.js
    assert not violations, violations
