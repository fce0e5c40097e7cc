"""`report needs`: the commissioning dataset of children and young people with a statement or an
EHC plan, by need, age, setting, county and plan, over the last years, small numbers hidden."""

from __future__ import annotations

from datetime import date

from sendctl.services.session import Session

YEARS_BACK = 3  # the as-of day and the same day in each of the three years before


def _group(row: dict, by: str) -> str:
    from sendctl.domain.needs import PLAN_LABELS, age_band

    if by == "need":
        return row["primary_need"] or "(not recorded)"
    if by == "age":
        return age_band(row["age"])
    if by == "setting":
        return row["setting_type"] or "(not recorded)"
    if by == "area":
        return "out of county" if row["out_of_county"] else "in county"
    if by == "locality":
        return row["district"] or "(postcode not recorded)"
    return PLAN_LABELS.get(row["plan"], row["plan"])


def dataset(session: Session, as_of: date, by: str | None = None) -> dict:
    """{as_of, dates, rows, how_counted}: for each breakdown (all, or the one named by `by`;
    "area" brings "locality", the postcode district where a home postcode is recorded)
    and each day counted (as_of, then one, two and three years before), one row per group:

        by, group, on, children (None when hidden), shown ("12", "<5" or "c"),
        change (since the same day a year before; None when either count is hidden or there is
        no earlier day), change_shown.

    Refused when nobody held a plan on as_of (a date before the records).
    """
    from sendctl.domain import needs as N
    from sendctl.domain.problems import invalid
    from sendctl.storage.needs import first_plan_date, grouped_counts

    if by is not None and by not in N.DIMENSIONS:
        raise invalid("by", "bad_choice", f"expected one of {', '.join(N.DIMENSIONS)} (got {by!r})")
    dims = [by] if by else list(N.DIMENSIONS)
    if "area" in dims:  # the area breakdown carries the locality (postcode district) too
        dims.insert(dims.index("area") + 1, "locality")
    conn = session.connect()
    days = [N.years_back(as_of, n) for n in range(YEARS_BACK + 1)]
    first = first_plan_date(conn)
    counted = (
        {d: grouped_counts(conn, d) for d in days} if first and as_of.isoformat() >= first else {}
    )
    if not counted.get(as_of):
        raise invalid(
            "as_of",
            "before_data",
            f"nobody held a statement or an EHC plan on {as_of.isoformat()} in these records"
            + (
                f" (the first plan date recorded is {first})"
                if first
                else " (no plans are recorded)"
            ),
        )
    # {(dimension, day): {group: count}}
    tables: dict[tuple[str, date], dict[str, int]] = {}
    for d, rows in counted.items():
        total = sum(r["n"] for r in rows)
        tables[("all", d)] = {"all children and young people with a plan": total}
        for dim in dims:
            t = tables.setdefault((dim, d), {})
            for r in rows:
                g = _group(r, dim)
                t[g] = t.get(g, 0) + r["n"]
    out = []
    for dim in ["all", *dims]:
        groups = sorted(
            {g for d in days for g in tables[(dim, d)]},
            key=lambda g: (-tables[(dim, as_of)].get(g, 0), g),
        )
        shown = {d: N.suppress({g: tables[(dim, d)].get(g, 0) for g in groups}) for d in days}
        for g in groups:
            for i, d in enumerate(days):
                s = shown[d][g]
                n = N.published(s)
                prev = N.published(shown[days[i + 1]][g]) if i + 1 < len(days) else None
                change = n - prev if n is not None and prev is not None else None
                if i + 1 == len(days):
                    change_shown = ""
                elif change is None:
                    change_shown = (
                        N.WITHHELD
                        if s in (N.SMALL, N.WITHHELD)
                        or shown[days[i + 1]][g] in (N.SMALL, N.WITHHELD)
                        else ""
                    )
                else:
                    change_shown = f"{change:+d}"
                out.append(
                    {
                        "by": dim,
                        "group": g,
                        "on": d.isoformat(),
                        "children": n,
                        "shown": s,
                        "change": change,
                        "change_shown": change_shown,
                    }
                )
    return {
        "as_of": as_of.isoformat(),
        "dates": [d.isoformat() for d in days],
        "rows": out,
        "how_counted": (
            "children and young people holding a statement (until its transfer review concluded) or an EHC "
            "plan (from its issue date) on each day; need, setting type, county and postcode district as "
            "recorded now; age on "
            "the day; 1 to 4 shown as <5, and one more cell withheld (c) where a single hidden cell could "
            "be worked out from the total; change is against the same day a year before"
        ),
    }
