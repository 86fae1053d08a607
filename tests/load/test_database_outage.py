"""The database goes away under a running server and comes back: meanwhile
every request answers a clear 503; afterwards the same server works again."""

import html
from urllib.parse import urlsplit, urlunsplit

import pytest

from .conftest import ON_POSTGRESQL
from .outage import MovedFolder, Proxy

# One worker runs them all, over one seeded database (tests/load/conftest.py).
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

UNREACHABLE = (
    "The database cannot be reached just now. Try again in a few minutes; "
    "if this goes on, tell the administrator."
)


def outage_for(database):
    """A proxy in front of PostgreSQL, or SQLite's folder moved away; the
    database address the server should use."""
    if ON_POSTGRESQL:
        address = urlsplit(database.url)
        proxy = Proxy((address.hostname, address.port or 5432))
        proxy.start()
        netloc = address.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{proxy.port}"
        url = urlunsplit(
            address._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) > 1 else host)
        )
        return proxy, url
    return MovedFolder(database.var_dir), ""


def test_while_the_database_is_gone_requests_answer_503_and_afterwards_work_again(
    database, seed, serve
):
    outage, url = outage_for(database)
    server = serve(database, workers=2, url=url)
    county, period = "150102", seed["period"]
    reporter = server.client(seed["counties"][county])
    figure = f"/api/v1/values/load-01/{county}/{period}"
    page = f"/reports/{county}/{period}/"
    board = f"/dashboard/{county}/data.json"

    # Given a server that works,
    first = reporter.put_json(figure, {"value": "1"})
    assert (first.status, first.headers["ETag"]) == (200, '"1"')
    assert reporter.get(board).status == 200

    # when the database goes away, the API answers problem details and the
    # pages a short page, each saying so; several times, so every worker answers.
    outage.cut()
    try:
        for _round in range(4):
            for answer in (
                reporter.get(figure),
                reporter.put_json(figure, {"value": "2"}, **{"If-Match": '"1"'}),
            ):
                assert (answer.status, answer.headers["Content-Type"], answer.json()) == (
                    503,
                    "application/problem+json",
                    {
                        "type": "about:blank",
                        "title": "Service Unavailable",
                        "status": 503,
                        "detail": UNREACHABLE,
                        "instance": figure,
                        "errors": [],
                    },
                )
                assert answer.headers["Retry-After"] == "30"
            for answer in (
                reporter.get(board),
                reporter.post_form(page, {"action": "save", "value-1": "3"}),
            ):
                assert (answer.status, answer.headers["Content-Type"]) == (
                    503,
                    "text/html; charset=utf-8",
                )
                assert f'<p role="alert">{html.escape(UNREACHABLE)}</p>' in answer.text
                assert "Traceback" not in answer.text
    finally:
        outage.restore()

    # then, once it is back, the same server processes answer again,
    answers = [reporter.get(figure) for _round in range(4)]
    assert [(a.status, a.json()["value"], a.headers["ETag"]) for a in answers] == [
        (200, "1", '"1"')
    ] * 4
    changed = reporter.put_json(figure, {"value": "4"}, **{"If-Match": '"1"'})
    assert (changed.status, changed.headers["ETag"]) == (200, '"2"')
    assert [reporter.get(board).status for _round in range(4)] == [200] * 4

    # and nothing was written while it was gone.
    stored = database.run("read")["figures"][f"load-01/{county}"]
    assert stored == {
        "value": "4",
        "version": 2,
        "audit": ["reporting.value.created", "reporting.value.updated"],
        "history": 2,
    }
