"""End to end in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

Starts `breakdesk ui` on a free 127.0.0.1 port with a fresh data dir (demo day seeded, demo users), then:
a clerk signs in and sees Reconciliation; ops user A opens the rejected payment E2E-4471 (AC04), sees the
explanation with its citation and edits the creditor IBAN; user B approves the repair; the approval is
found on the Audit page. A screenshot of each page goes to pytest's tmp folder (printed at the end).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
NEW_IBAN = "DE74100200300987654321"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium (.ci/run does it)")
    data = tmp_path_factory.mktemp("e2e-data")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(BREAKDESK_DATA_DIR=str(data), BREAKDESK_LLM="none", BREAKDESK_BCRYPT_ROUNDS="4",
               PYTHONPATH=str(REPO))
    log = open(data / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "breakdesk.app.cli", "ui", "--port", str(port)], cwd=REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        if proc.poll() is not None:
            pytest.fail(f"breakdesk ui exited: {(data / 'server.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"breakdesk ui did not answer: {(data / 'server.log').read_text()[-3000:]}")
        time.sleep(1)
    yield base, data
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    print(f"\nscreenshots: {folder}")


def _sign_in(browser, base: str, username: str, password: str):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    # Assertions wait as long as actions do: a page rerun on a loaded 2-core machine can take longer than
    # expect's own 5 s default (seen as a missing "Unmatched bank entries" while the page still ran).
    expect.set_options(timeout=60_000)
    page.goto(base)
    expect(page.get_by_role("heading", name="Breakdesk")).to_be_visible()
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("role ", exact=False).first).to_be_visible()
    return page


def _open(page, name: str):
    from playwright.sync_api import expect

    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def _choose(page, label: str, text: str):
    box = page.get_by_role("combobox", name=label, exact=True)  # a Streamlit select: type to filter, Enter to choose
    box.click()
    box.fill(text)
    box.press("Enter")


def _idle(page):
    """Wait until the app has finished its rerun (Streamlit shows its status widget while a script runs)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def _expand(page, title: str, inside: str):
    """Open a Streamlit expander and wait until the field `inside` it shows. A click that lands while the
    page is still rerunning (after a search was typed, under load) can be undone by the redraw, so the
    click waits for the app to settle and is tried again while the field stays hidden."""
    from playwright.sync_api import expect

    field = page.get_by_label(inside, exact=True).first
    for _attempt in range(3):
        _idle(page)
        if field.is_visible():
            return
        page.get_by_text(title).click()
        try:
            expect(field).to_be_visible(timeout=15_000)
            return
        except AssertionError:  # expect() reports a timeout as an AssertionError
            continue
    expect(field).to_be_visible()


def _add(page, label: str, text: str):
    """Add an option to a Streamlit multiselect: type to filter, Enter to add, then wait for its chip.

    The first pick reruns the page; typing into the next box while that rerun redraws it can lose the pick
    (seen in CI under load), so each pick waits for the app to settle and is tried again if no chip shows."""
    from playwright.sync_api import expect

    field = page.get_by_test_id("stMultiSelect").filter(has=page.get_by_label(label, exact=True))
    chip = field.get_by_role("button", name=re.compile(r"^Remove .*" + re.escape(text)))
    for _attempt in range(3):
        _idle(page)
        box = page.get_by_label(label, exact=True).first
        box.click()
        box.fill(text)
        box.press("Enter")
        page.keyboard.press("Escape")  # close the list so it covers nothing below
        try:
            expect(chip.first).to_be_visible(timeout=15_000)
            _idle(page)
            return
        except AssertionError:  # expect() reports a timeout as an AssertionError
            continue
    expect(chip.first).to_be_visible()


def _open_case(page, ref: str):
    from playwright.sync_api import expect

    _open(page, "Exceptions")
    _choose(page, "Open case", ref)
    expect(page.get_by_role("heading", name=ref)).to_be_visible()


def test_clerk_ops_and_four_eyes_in_chromium(server, browser, shots):
    from playwright.sync_api import expect

    base, data = server
    assert "demo-ops-pass" in (data / "server.log").read_text()  # demo users printed on start

    clerk = _sign_in(browser, base, "demo-clerk", "demo-clerk-pass")
    expect(clerk.get_by_role("link", name="Exceptions")).to_have_count(0)  # not a clerk's page
    _open(clerk, "Reconciliation")
    expect(clerk.get_by_text("Unmatched bank entries")).to_be_visible()
    expect(clerk).to_have_url(re.compile(r"suggestion=\d+"))
    first = re.search(r"suggestion=(\d+)", clerk.url).group(1)
    clerk.get_by_role("textbox", name="Reason (required to reject)").fill("Alt+N moves on")
    clerk.keyboard.press("Alt+N")  # the keyboard moves to the next suggestion; the typed reason decides nothing
    expect(clerk).not_to_have_url(re.compile(rf"suggestion={first}(&|$)"))
    clerk.screenshot(path=str(shots / "1-reconciliation-clerk.png"), full_page=True)
    clerk.context.close()

    maker = _sign_in(browser, base, "demo-ops", "demo-ops-pass")
    _open(maker, "Ask")
    maker.screenshot(path=str(shots / "2-ask.png"), full_page=True)
    _open_case(maker, "E2E-4471")
    expect(maker.get_by_text("iso-status-reason-codes#ac04").first).to_be_visible()
    expect(maker.get_by_text("rejected with reason code AC04").first).to_be_visible()  # the explanation
    maker.locator("summary", has_text="iso-status-reason-codes#ac04").click()  # open the cited passage
    expect(maker.get_by_test_id("stExpanderDetails").filter(has_text="AC04").first).to_be_visible()
    maker.screenshot(path=str(shots / "3-exception-explained.png"), full_page=True)
    maker.get_by_role("textbox", name="New creditor.account").fill(NEW_IBAN)
    maker.get_by_role("textbox", name="Reason (who confirmed it, how)").fill("new IBAN confirmed by Nordwind by phone")
    maker.get_by_role("button", name="Save edit").click()
    expect(maker.get_by_text("Re-validated").first).to_be_visible()
    maker.get_by_role("button", name="Approve repair…").click()  # the maker may not approve
    maker.get_by_role("button", name="Confirm approval").click()
    expect(maker.get_by_text("maker-checker").first).to_be_visible()
    maker.screenshot(path=str(shots / "4-exception-edited.png"), full_page=True)
    maker.context.close()

    checker = _sign_in(browser, base, "demo-admin", "demo-admin-pass")
    _open_case(checker, "E2E-4471")
    reason = checker.get_by_role("textbox", name="Reason (required to reject)")
    reason.fill("IBAN checked against the call note")
    reason.press("Enter")  # Enter keeps the text and decides nothing (it used to approve)
    expect(checker.get_by_role("button", name="Approve repair…")).to_be_enabled()
    assert not list((data / "outbox").glob("*.xml"))
    checker.get_by_role("button", name="Approve repair…").click()
    expect(checker.get_by_text("to the outbox").first).to_be_visible()  # what will be sent, to confirm
    expect(checker.get_by_test_id("stMarkdownContainer").filter(has_text=NEW_IBAN).first).to_be_visible()
    assert not list((data / "outbox").glob("*.xml"))
    checker.get_by_role("button", name="Confirm approval").click()
    expect(checker.get_by_text("approved by demo-admin").first).to_be_visible()
    checker.screenshot(path=str(shots / "5-exception-approved.png"), full_page=True)

    _open(checker, "Audit")
    record = checker.get_by_test_id("stJson")  # "Inspect record" shows the newest entry: the approval
    expect(record).to_contain_text("repair.approve")
    expect(record).to_contain_text("demo-admin")
    expect(record).to_contain_text("IBAN checked against the call note")
    checker.get_by_role("button", name="Verify chain").click()
    expect(checker.get_by_text("audit chain intact").first).to_be_visible()
    checker.screenshot(path=str(shots / "6-audit.png"), full_page=True)
    _open(checker, "Scorecards")
    checker.screenshot(path=str(shots / "7-scorecards.png"), full_page=True)
    checker.context.close()
    assert list((data / "outbox").glob("*.xml"))  # the approved corrected message was written


def test_a_refresh_or_an_opened_link_keeps_the_session_and_sign_out_ends_it(server, browser):
    from playwright.sync_api import expect

    base, _data = server
    page = _sign_in(browser, base, "demo-ops", "demo-ops-pass")
    _open(page, "Audit")
    page.reload()  # a new Streamlit session: resumed from the cookie, on the same page
    expect(page.get_by_role("heading", name="Audit")).to_be_visible()
    expect(page.get_by_text("demo-ops", exact=False).first).to_be_visible()
    tab = page.context.new_page()  # a link opened in a second tab
    tab.goto(f"{base}/exceptions")
    expect(tab.get_by_role("heading", name="Exceptions")).to_be_visible()
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.get_by_role("heading", name="Sign in")).to_be_visible()
    page.reload()  # the session ended for every tab
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.context.close()


def _server_engine(data: Path):
    from breakdesk.app.store.db import make_engine

    return make_engine(f"sqlite:///{data / 'breakdesk.sqlite3'}")


def test_manual_match_with_a_write_off_needs_a_second_person_in_chromium(server, browser):
    """A clerk matches 900.00 on the statement against 1,000.00 booked, writing off 100.00 (above the limit):
    the match waits, its maker cannot approve it, another person can."""
    from decimal import Decimal

    from playwright.sync_api import expect

    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.testing import seed_pair

    base, data = server
    engine = _server_engine(data)
    with session_scope(engine) as s:
        _entry, item = seed_pair(s, amount="900.00", reference="E2E-BROWSER-WO")
        item.amount = Decimal("1000.00")
    engine.dispose()

    clerk = _sign_in(browser, base, "demo-clerk", "demo-clerk-pass")
    _open(clerk, "Reconciliation")
    search = clerk.get_by_label("Search items: reference, counterparty, amount or date")
    search.fill("E2E-BROWSER-WO")
    search.press("Enter")
    _expand(clerk, "Manual match: any statement entries against any book items", "Statement entries")
    _add(clerk, "Statement entries", "E2E-BROWSER-WO")
    _add(clerk, "Book items", "E2E-BROWSER-WO")
    expect(clerk.get_by_text("difference -100.00").first).to_be_visible()
    clerk.get_by_label("Write-off (the difference, if any)").fill("100.00")
    clerk.get_by_label("Reason (required)").fill("partial payment agreed by letter")
    clerk.get_by_role("button", name="Match selected").click()
    expect(clerk.get_by_text(re.compile(r"Manual match #\d+ waits for a second clerk")).first).to_be_visible()
    _choose(clerk, "Suggestion", "E2E-BROWSER-WO")
    clerk.get_by_role("button", name="Approve").first.click()
    expect(clerk.get_by_text("not its maker demo-clerk").first).to_be_visible()
    clerk.context.close()

    checker = _sign_in(browser, base, "demo-admin", "demo-admin-pass")
    _open(checker, "Reconciliation")
    _choose(checker, "Suggestion", "E2E-BROWSER-WO")
    checker.get_by_role("button", name="Approve").first.click()
    expect(checker.get_by_text("approved.").first).to_be_visible()
    checker.context.close()


def test_a_failed_run_is_approved_only_with_an_explicit_override_in_chromium(server, browser):
    from playwright.sync_api import expect

    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.repositories.llm import add_scorecard

    base, data = server
    engine = _server_engine(data)
    with session_scope(engine) as s:
        add_scorecard(s, suite="browser-suite", model="none", prompt_hashes={"explain_case": "0abc"}, passed=False,
                      payload={"metrics": {"diagnosis_accuracy": {"value": 0.5, "threshold": 0.8}}})
    engine.dispose()

    page = _sign_in(browser, base, "demo-compliance", "demo-compliance-pass")
    _open(page, "Scorecards")
    _choose(page, "Suite", "browser-suite")
    expect(page.get_by_text("Why the gate failed").first).to_be_visible()
    page.get_by_label("Reason for approving this run as the new baseline (required, kept in the audit log)").fill(
        "accepted for the browser test")
    page.get_by_role("button", name="as baseline").click()
    expect(page.get_by_text("FAILED its gate").first).to_be_visible()
    page.get_by_text("Approve although it failed").click()
    page.get_by_role("button", name="as baseline").click()
    expect(page.get_by_text("approved as the browser-suite baseline").first).to_be_visible()
    page.context.close()
