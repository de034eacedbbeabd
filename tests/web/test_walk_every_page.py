"""Walk every page of every demo role in Chromium and fail on what a user must never meet: a server error (or
a link to a page that does not exist), an English sentence on a Swedish page, a table wider than a 1280 px
window, or a UUID shown as text.

One user per role (the first the demo login page lists) logs in and follows every same-origin link of the
navigation and of each page reached, breadth first and a few links deep. Links that differ only in their ids
or query values are one pattern, visited at most twice per role (and, past the pages the landing page links
to, three times in all), so a list of a hundred patients costs two visits.
Downloads (PDF, Excel) are fetched for their status only. Every offence is collected and reported at once."""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from playwright.sync_api import APIRequestContext, Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from naravard.actor import Role
from naravard.config import Settings
from tests.headers_check import header_offences
from tests.web.conftest import DemoPatients
from tests.web.page_checks import PAGE_FACTS, UUID, WINDOW_WIDTH, PageFacts, offences
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

MAX_DEPTH = 3  # clicks from the page a user lands on after logging in (or from a seed)
VISITS_PER_PATTERN = 2  # per role
# Deeper than the pages the landing page links to, a pattern the roles before have seen this often is left
# out: the analyst's and the administrator's follow-up pages are the same pages.
VISITS_PER_PATTERN_ALL_ROLES = 3
MAX_PAGES_PER_ROLE = 60
# Never followed: they end the session, switch the page language, or are not pages.
SKIPPED_PATHS = re.compile(r"^/(logout|logout-all|lang/|static/|followup/static/)")
DOWNLOAD_PATH = re.compile(r"\.(pdf|xlsx|xls|csv|zip)$", re.IGNORECASE)
SEARCHING_ROLES = (Role.CLINICIAN, Role.MUNICIPAL_STAFF, Role.UNIT_MANAGER)


@dataclass(frozen=True)
class Link:
    url: str  # path and query
    depth: int
    download: bool


def pattern(url: str) -> str:
    """A link's shape: ids and numbers in the path masked, the query's names without their values."""
    parts = urlsplit(url)
    path = UUID.sub("{id}", parts.path)
    path = re.sub(r"\d+", "{n}", path)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{path}?{'&'.join(names)}"


def local(href: str, origin: str) -> str | None:
    """``href`` as a path and query when it is a same-origin page worth following, else None."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED_PATHS.match(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def demo_users_by_role(base: str) -> dict[Role, str]:
    """The first user of each role on the demo login page's list (it lists staff first, by role)."""
    users: dict[Role, str] = {}
    for user in httpx.get(f"{base}/api/auth/demo-users").raise_for_status().json():
        users.setdefault(Role(user["role"]), user["username"])
    return users


def seeds(role: Role, patients: DemoPatients) -> list[str]:
    """Pages only a form reaches: a name search with hits, and a personnummer search of a patient whose
    record the user may not open (the refusal and the emergency access)."""
    if role not in SEARCHING_ROLES:
        return []
    family_name = patients.mine.name.split()[-1]
    return [f"/patients?q={family_name}", f"/patients?q={patients.unrelated.identifier}"]


class Walker:
    """One role's walk: a logged-in page, the links still to visit, what was found."""

    def __init__(
        self, role: Role, username: str, context: BrowserContext, origin: str, all_roles: Counter[str]
    ) -> None:
        self.role, self.username, self.origin = role, username, origin
        self.all_roles = all_roles  # visits per pattern, shared by the walks of every role
        self.page: Page = context.new_page()
        self.request: APIRequestContext = context.request
        self.queue: deque[Link] = deque()
        self.seen: set[str] = set()
        self.per_pattern: Counter[str] = Counter()
        self.found: list[str] = []
        self.visited = 0
        # what the Content-Security-Policy blocked (an inline script or handler left in a template)
        self.page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and self.offence(self.page.url, msg.text[:200]),
        )

    def offence(self, url: str, what: str) -> None:
        self.found.append(f"{self.role.value} ({self.username}) {url}: {what}")

    def enqueue(self, url: str | None, depth: int, download: bool = False) -> None:
        if url is None or url in self.seen or depth > MAX_DEPTH:
            return
        shape = pattern(url)
        if self.per_pattern[shape] >= VISITS_PER_PATTERN or (
            depth > 1 and self.all_roles[shape] >= VISITS_PER_PATTERN_ALL_ROLES
        ):
            return
        self.seen.add(url)
        self.per_pattern[shape] += 1
        self.all_roles[shape] += 1
        self.queue.append(Link(url, depth, download or bool(DOWNLOAD_PATH.search(urlsplit(url).path))))

    def walk(self, start: list[str]) -> None:
        for url in start:
            self.enqueue(url, 0)
        while self.queue and self.visited < MAX_PAGES_PER_ROLE:
            link = self.queue.popleft()
            self.visited += 1
            if link.download:
                self.fetch(link)
            else:
                self.visit(link)
        if self.queue:
            self.offence("-", f"more than {MAX_PAGES_PER_ROLE} pages; raise MAX_PAGES_PER_ROLE")

    def fetch(self, link: Link) -> None:
        """A download (or what is not a page): only its status."""
        response = self.request.get(link.url, max_redirects=5)
        if response.status >= 500 or response.status == 404 or (link.download and response.status != 200):
            self.offence(link.url, f"answered {response.status}")

    def visit(self, link: Link) -> None:
        try:
            response = self.page.goto(link.url, wait_until="load")
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):  # an attachment behind a link that does not say so
                self.fetch(Link(link.url, link.depth, download=True))
                return
            raise
        status = response.status if response is not None else 0
        if status >= 500 or status == 404:  # a server error, or a link to a page that does not exist
            self.offence(link.url, f"answered {status}")
        for what in header_offences(response.all_headers(), tls=False) if response is not None else []:
            self.offence(link.url, what)  # the security headers of issue 20, on every page
        content_type = response.headers.get("content-type", "") if response is not None else ""
        if not content_type.startswith("text/html"):
            return
        facts: PageFacts = self.page.evaluate(PAGE_FACTS)
        here = local(self.page.url, self.origin) or link.url
        for what in offences(facts):
            self.offence(here, what)
        for found in facts["links"]:
            self.enqueue(local(found["href"], self.origin), link.depth + 1, found["download"])


def test_every_page_of_every_demo_role(
    browser: Browser, live_server: str, demo_settings: Settings, demo_patients: DemoPatients
) -> None:
    started = time.monotonic()
    users = demo_users_by_role(live_server)
    missing = [role.value for role in Role if role is not Role.SYSTEM and role not in users]
    assert not missing, f"the demo has no user of the role(s) {missing}"

    found: list[str] = []
    visited: dict[str, int] = {}
    all_roles: Counter[str] = Counter()
    # One context for every role, its cookies cleared between them: its HTTP cache keeps plotly.js (4.8 MB)
    context = browser.new_context(
        base_url=live_server, locale="sv-SE", viewport={"width": WINDOW_WIDTH, "height": 900}
    )
    context.set_default_timeout(15_000)
    try:
        for role, username in users.items():
            context.clear_cookies()
            walker = Walker(role, username, context, live_server, all_roles)
            log_in(walker.page, username, demo_settings.demo_password)
            walker.page.wait_for_url(lambda url: "/login" not in url)
            landing = local(walker.page.url, live_server) or "/"
            walker.seen.add("/")  # it leads where the login did
            walker.walk([landing, *seeds(role, demo_patients)])
            walker.page.close()
            found.extend(walker.found)
            visited[role.value] = walker.visited
    finally:
        context.close()

    took = time.monotonic() - started
    assert not found, (
        f"{len(found)} offence(s) on {sum(visited.values())} pages ({visited}, {took:.0f} s):\n"
        + "\n".join(found)
    )


SYNTHETIC = """<!doctype html><html lang="sv"><head><style>body { margin: 0 }</style></head><body>
<header><a href="/">naravard</a> <a href="/lang/sv">SV</a> | <a href="/lang/en">EN</a></header>
<h1>Sök patient</h1>
<p>Ingen vårdrelation på din enhet för <strong>Anna Berg</strong> i Region Gävleborg.</p>
<p class="flash">No care relationship at your unit and <em>no consent</em> for your organisation.</p>
<p lang="en">An English quotation, marked as such, is allowed.</p>
<p hidden>A hidden sentence that nobody can see.</p>
<code>reason must be at least 10 characters</code>
<p>Indikator C_FLK och A3 · HSA-id SE2321000016-1234 · accounts:session:login</p>
<table id="rows"><tr><td style="min-width: 1500px">Patient</td></tr></table>
<p>Patient-id 48bd0e35-42f0-491c-8f80-a5dafdefb819</p>
<a title="9c1b0f5e-2a43-4a8e-9d1e-3b2f0f1c2d3e" href="/x/9c1b0f5e-2a43-4a8e-9d1e-3b2f0f1c2d3e">öppna</a>
</body></html>"""


def test_the_checks_find_each_kind_of_offence_and_nothing_else(page: Page) -> None:
    page.set_viewport_size({"width": WINDOW_WIDTH, "height": 900})
    page.set_content(SYNTHETIC)
    facts: PageFacts = page.evaluate(PAGE_FACTS)
    found = offences(facts)
    assert len(found) == 4, found
    assert found[0] == "English: 'No care relationship at your unit and no consent for your organisation.'"
    assert found[1].startswith(f"wider than a {WINDOW_WIDTH} px window: ")
    assert found[2].startswith(f"table wider than a {WINDOW_WIDTH} px window: #rows ends at ")
    assert found[3] == "1 UUID(s) shown as text, e.g. 48bd0e35-42f0-491c-8f80-a5dafdefb819"
    assert pattern("/patients/48bd0e35-42f0-491c-8f80-a5dafdefb819?saved=1&q=x") == "/patients/{id}?q&saved"
    assert local("http://127.0.0.1:1/lang/en?next=/", "http://127.0.0.1:1") is None
    assert local("http://elsewhere/patients", "http://127.0.0.1:1") is None
