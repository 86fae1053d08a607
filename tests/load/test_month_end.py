"""Month end: many people enter, submit and approve figures at once, through
the API and the report pages, against four gunicorn workers.

No write is lost: every accepted write is stored, in order, each with its
audit event and history row; a write made from a stale copy is refused
with 409 and the figure as stored, never applied; nothing answers 5xx."""

import queue
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

# One worker runs them all, over one seeded database (tests/load/conftest.py).
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

COUNTERS = 8  # clients adding one to the same figure
INCREMENTS = 4  # accepted additions each of them makes
REPORTERS = 12  # counties entering, then submitting, their own report
APPROVERS = 2
ENTRIES = [("load-01", ["10", "11", "12"]), ("load-02", ["20", "21"]), ("load-03", ["30"])]
TIME_LIMIT = 45  # seconds for all of it


def test_at_month_end_no_write_is_lost_and_every_write_is_audited(database, seed, serve):
    server = serve(database, workers=4)
    period = seed["period"]
    counties = list(seed["counties"])[:REPORTERS]
    shared = list(seed["counties"])[REPORTERS]
    counter = f"/api/v1/values/load-00/{shared}/{period}"
    start = server.client(seed["office"]).put_json(counter, {"value": "0"})
    assert (start.status, start.headers["ETag"]) == (200, '"1"')

    deadline = time.monotonic() + TIME_LIMIT
    statuses: Counter = Counter()
    accepted_versions: list[int] = []
    lock = threading.Lock()
    submitted: queue.Queue = queue.Queue()

    def note(kind: str, status: int) -> None:
        with lock:
            statuses[kind, status] += 1

    def add_one() -> None:
        """Read the figure, write it plus one with If-Match; on 409 start
        again from the figure the answer carries."""
        client = server.client(seed["office"])
        read = client.get(counter)
        note("counter GET", read.status)
        value, tag = Decimal(read.json()["value"]), read.headers["ETag"]
        added = 0
        while added < INCREMENTS and time.monotonic() < deadline:
            answer = client.put_json(counter, {"value": str(value + 1)}, **{"If-Match": tag})
            note("counter PUT", answer.status)
            if answer.status == 200:
                added += 1
                value, tag = value + 1, answer.headers["ETag"]
                with lock:
                    accepted_versions.append(int(tag.strip('"')))
            elif answer.status == 409:
                stored = answer.json()
                # Refused because someone else's write came first.
                assert stored["current_version"] > int(tag.strip('"'))
                value, tag = Decimal(stored["current_value"]), f'"{stored["current_version"]}"'
            else:
                raise AssertionError(f"{answer.status}: {answer.text}")

    def report(county: str) -> None:
        """A county enters its figures through the API, each change on the
        version it read, then submits its report on the page."""
        client = server.client(seed["counties"][county])
        for indicator, values in ENTRIES:
            tag = None
            for value in values:
                answer = client.put_json(
                    f"/api/v1/values/{indicator}/{county}/{period}",
                    {"value": value},
                    **({"If-Match": tag} if tag else {}),
                )
                note("figure PUT", answer.status)
                tag = answer.headers.get("ETag")
        page = f"/reports/{county}/{period}/"
        answer = client.post_form(page, {"action": "submit"})
        note("submit POST", answer.status)
        assert answer.headers.get("Location") == page
        submitted.put(county)

    def approve() -> None:
        """A league's approver approves each report as it comes in."""
        while (county := submitted.get(timeout=max(deadline - time.monotonic(), 0.1))) is not None:
            league = seed["counties"][county]["league"]
            page = f"/reports/{county}/{period}/"
            answer = server.client(seed["leagues"][league]).post_form(page, {"action": "approve"})
            note("approve POST", answer.status)
            assert answer.headers.get("Location") == page

    with ThreadPoolExecutor(COUNTERS + REPORTERS + APPROVERS) as pool:
        approving = [pool.submit(approve) for _n in range(APPROVERS)]
        working = [pool.submit(add_one) for _n in range(COUNTERS)]
        working += [pool.submit(report, county) for county in counties]
        for future in working:
            future.result()
        for _n in range(APPROVERS):
            submitted.put(None)
        for future in approving:
            future.result()

    added = COUNTERS * INCREMENTS
    entries = sum(len(values) for _indicator, values in ENTRIES)
    conflicts = statuses.pop(("counter PUT", 409), 0)
    assert dict(statuses) == {
        ("counter GET", 200): COUNTERS,
        ("counter PUT", 200): added,
        ("figure PUT", 200): REPORTERS * entries,
        ("submit POST", 302): REPORTERS,
        ("approve POST", 302): REPORTERS,
    }
    # Each accepted addition made the next version; none was applied twice.
    assert sorted(accepted_versions) == list(range(2, added + 2))

    stored = database.run("read")
    assert stored["figures"][f"load-00/{shared}"] == {
        "value": str(added),
        "version": added + 1,
        "audit": ["reporting.value.created"] + ["reporting.value.updated"] * added,
        "history": added + 1,
    }
    for county in counties:
        for indicator, values in ENTRIES:
            assert stored["figures"][f"{indicator}/{county}"] == {
                "value": values[-1],
                "version": len(values),
                "audit": ["reporting.value.created"]
                + ["reporting.value.updated"] * (len(values) - 1),
                "history": len(values),
            }
        assert stored["reports"][county] == {
            "status": "approved",
            "audit": [
                "reporting.report.approved",
                "reporting.report.created",
                "reporting.report.submitted",
            ],
        }
    assert len(stored["figures"]) == 1 + REPORTERS * len(ENTRIES)
    assert stored["value_events"] == stored["value_history"] == 1 + added + REPORTERS * entries
    print(f"\nmonth end: {added} additions, {conflicts} refused with 409 and retried")
