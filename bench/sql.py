"""Hand-written SQL for the benchmarks: the baselines luodi is measured against,
and the raw row writer the fixture and the import baseline use.

Import this module only after django.setup().
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write rows as they are: PostgreSQL's COPY (psycopg 3 `cursor.copy`),
    or one `executemany` INSERT on SQLite. No validation, history or audit."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def db_datetime(moment: datetime):
    """An aware datetime as the database stores it (SQLite: UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)


# --- Totals of the reported figures: one GROUP BY at township level --------
#
# luodi's totals() reduces each township's figures over the year in the
# database and adds them up the tree in Python. The baselines stop at the
# first step: the figures of the townships in the subtree, for the same
# indicators and months, grouped by township, one statement per kind of
# indicator (months added up for a flow, the latest month for a cumulative).
# The conditions are luodi's (level, frequency, months, subtree, indicators):
# without the frequency SQLite picks a slower plan.

_IN_SCOPE = """
  JOIN reporting_report r ON r.id = v.report_id
  JOIN reporting_period p ON p.id = r.period_id
  JOIN divisions_division d ON d.id = r.division_id
 WHERE d.level = 'township' AND p.frequency = 'monthly'
   AND p.starts_on >= %(first)s AND p.starts_on <= %(up_to)s
   AND d.path LIKE %(root)s AND v.indicator_id IN ({ids})"""
# A figure's last version saved by a moment, as luodi reads the history.
_AS_OF = """
   AND v.history_type <> '-' AND v.history_date <= %(moment)s
   AND NOT EXISTS (SELECT 1 FROM reporting_historicaldatavalue l
                    WHERE l.id = v.id AND l.history_date <= %(moment)s
                      AND l.history_id > v.history_id)"""
_FLOW = "SELECT v.indicator_id, d.path, SUM(v.value) FROM {table} v {scope} GROUP BY 1, 2"
_LATEST = """
SELECT indicator_id, path, value FROM (
  SELECT v.indicator_id, d.path, v.value,
         ROW_NUMBER() OVER (PARTITION BY v.indicator_id, r.division_id
                            ORDER BY p.starts_on DESC) AS rank
    FROM {table} v {scope}
) ranked WHERE rank = 1"""


def township_figures(
    *, flows: list[int], latest: list[int], root_path: str, up_to: date, moment=None
) -> list[tuple]:
    """The year-to-date figure of every township under `root_path` for each
    indicator, as (indicator id, township path, value); with `moment`, from
    the history as stored then."""
    table = "reporting_datavalue" if moment is None else "reporting_historicaldatavalue"
    scope = _IN_SCOPE + (_AS_OF if moment is not None else "")
    params = {
        "first": date(up_to.year, 1, 1),
        "up_to": up_to,
        "root": root_path + "%",
        "moment": db_datetime(moment) if moment is not None else None,
    }
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for template, ids in ((_FLOW, flows), (_LATEST, latest)):
            if ids:
                statement = template.format(table=table, scope=scope)
                cursor.execute(statement.format(ids=", ".join(str(int(i)) for i in ids)), params)
                rows += cursor.fetchall()
    return rows


# --- The status read-out: policies, projects by phase, open approvals -------

_PROJECTS_IN_SCOPE = """SELECT l.project_id FROM projects_project_divisions l
  JOIN divisions_division v ON v.id = l.division_id
 WHERE v.path LIKE %(root)s"""

_STATUS = """
SELECT p.programme_id, COUNT(*),
       SUM(CASE WHEN p.issued_on IS NOT NULL AND p.issued_on <= %(d)s THEN 1 ELSE 0 END)
  FROM policies_policy p WHERE p.planned_on <= %(d)s GROUP BY p.programme_id;
SELECT p.programme_id, COUNT(DISTINCT l.department_id)
  FROM policies_policy_issuing_departments l
  JOIN policies_policy p ON p.id = l.policy_id
  JOIN divisions_department d ON d.id = l.department_id
 WHERE p.planned_on <= %(d)s AND d.kind = 'national_ministry' GROUP BY p.programme_id;
SELECT pr.programme_id,
       CASE WHEN pr.cancelled_on <= %(d)s THEN 'cancelled'
            WHEN pr.completed_on <= %(d)s THEN 'completed'
            WHEN pr.started_on <= %(d)s THEN 'started'
            WHEN pr.started_on IS NULL AND pr.phase IN ('started', 'completed') THEN 'started'
            ELSE 'pre_construction' END AS phase_as_of,
       pr.expected_start_year, COUNT(*), SUM(pr.total_investment)
  FROM projects_project pr WHERE pr.listed_on <= %(d)s AND pr.id IN ({scope})
 GROUP BY 1, 2, 3;
SELECT pr.programme_id, a.kind, COUNT(*)
  FROM projects_projectapproval a JOIN projects_project pr ON pr.id = a.project_id
 WHERE (a.granted_on IS NULL OR a.granted_on > %(d)s) AND pr.listed_on <= %(d)s
   AND pr.started_on IS NULL AND pr.phase = 'pre_construction' AND pr.id IN ({scope})
 GROUP BY 1, 2
"""


def status_counts(*, root_path: str, as_of: date) -> None:
    """The policy counts, ministries, projects by phase, expected start year and
    investment, and open approvals per programme, in the subtree."""
    params = {"d": as_of, "root": root_path + "%"}
    with connection.cursor() as cursor:
        for statement in _STATUS.split(";"):
            cursor.execute(statement.format(scope=_PROJECTS_IN_SCOPE), params)
            cursor.fetchall()
