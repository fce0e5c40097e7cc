"""Who held a statement or an EHC plan on a given day, grouped: the SQL of the needs dataset.

A statement is held from its own date (kept on its transfer once the EHC plan's date replaces
the case's; unknown: from before the records begin) until its transfer review concludes;
an EHC plan from its issue date. A plan that ended (ceased, or the child moved to another
authority) is not held from the day it ended; a child who moved in holds theirs from the day
they arrived. Nobody is counted before their date of birth. The
register keeps the current need, setting and county of each child (no history of them), so
earlier years are grouped by what is recorded now; the age is the age on the day counted.
"""

from __future__ import annotations

import sqlite3
from datetime import date


def holders_sql() -> str:
    """One row per child holding a plan on :on (case_ref, plan, primary_need, setting_type,
    out_of_county, district, age). district: the postcode district (outward code, "LE15") of
    the home postcode kept for the SEN2 return, when there is one."""
    return """
        SELECT c.case_ref,
               CASE
                 WHEN t.case_ref IS NOT NULL AND (t.concluded_on IS NULL OR t.concluded_on > :on)
                      AND coalesce(t.statement_made_on, '') <= :on
                      THEN 'statement'
                 WHEN t.case_ref IS NULL AND c.plan_type = 'statement'
                      AND coalesce(c.plan_issued_on, '') <= :on THEN 'statement'
                 WHEN c.plan_type = 'ehcp' AND c.plan_issued_on <= :on THEN 'ehcp'
               END AS plan,
               c.primary_need, c.setting_type, c.out_of_county,
               (SELECT CASE WHEN instr(trim(p.postcode), ' ') > 0
                            THEN upper(substr(trim(p.postcode), 1, instr(trim(p.postcode), ' ') - 1))
                            WHEN length(trim(p.postcode)) > 4
                            THEN upper(substr(trim(p.postcode), 1, length(trim(p.postcode)) - 3))
                       END
                FROM sen2_person p WHERE p.case_ref = c.case_ref AND trim(coalesce(p.postcode, '')) != '')
                 AS district,
               CAST(strftime('%Y', :on) AS INTEGER) - CAST(strftime('%Y', c.date_of_birth) AS INTEGER)
                 - (strftime('%m-%d', :on) < strftime('%m-%d', c.date_of_birth)) AS age
        FROM cases c LEFT JOIN transfers t ON t.case_ref = c.case_ref
        WHERE (c.plan_type IN ('statement', 'ehcp') OR t.case_ref IS NOT NULL) AND c.date_of_birth <= :on
          AND NOT EXISTS (
              SELECT 1 FROM plan_events e WHERE e.case_ref = c.case_ref
                 AND ((e.event IN ('end', 'move-out') AND e.event_on <= :on)
                      OR (e.event = 'move-in' AND e.event_on > :on))
                 AND NOT EXISTS (SELECT 1 FROM plan_events v WHERE v.voids_id = e.id))
    """


def grouped_counts(conn: sqlite3.Connection, on: date) -> list[dict]:
    """Children holding a plan on `on`, counted by plan, need, setting type, county, postcode
    district and age."""
    sql = f"""
        SELECT plan, primary_need, setting_type, out_of_county, district, age, count(*) AS n
        FROM ({holders_sql()}) h WHERE h.plan IS NOT NULL
        GROUP BY plan, primary_need, setting_type, out_of_county, district, age
    """
    return [dict(r) for r in conn.execute(sql, {"on": on.isoformat()})]


def first_plan_date(conn: sqlite3.Connection) -> str | None:
    """The earliest day the records show anyone holding a plan (None: no plans at all)."""
    r = conn.execute(
        """SELECT min(d) FROM (
               SELECT min(plan_issued_on) AS d FROM cases WHERE plan_type IN ('statement', 'ehcp')
               UNION ALL SELECT min(notice_on) FROM transfers
               UNION ALL SELECT min(started_on) FROM transfers)"""
    ).fetchone()
    return r[0]
