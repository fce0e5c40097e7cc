"""The ledger in SQLite: balances by SQL SUM agree with the model, reversals net to zero,
refusals write nothing, the database refuses UPDATE/DELETE."""

import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendctl.domain import ledger as L
from sendctl.domain.errors import SendctlError
from sendctl.storage import ledger as S
from sendctl.storage.audit import Actor
from sendctl.storage.db import connect, transaction

ACTOR = Actor("tester", "test")
ALLOC = 1_000_000  # £10,000


def _db(tmp: Path) -> sqlite3.Connection:
    conn = connect(tmp / "l.db", create=True)
    S.add_fund(conn, ACTOR, "grant", "Test grant", "revenue", ALLOC)
    return conn


def _entries(conn):
    return [dict(r) for r in conn.execute("SELECT * FROM ledger_entries ORDER BY id")]


def _counts(conn):
    return (
        conn.execute("SELECT COUNT(*) FROM ledger_entries").fetchone()[0],
        conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0],
    )


ops = st.lists(
    st.one_of(
        st.tuples(st.just("actual"), st.integers(1, 400_000)),
        st.tuples(st.just("commit"), st.integers(1, 400_000)),
        st.tuples(st.just("settle"), st.integers(0, 50), st.integers(1, 400_000) | st.none()),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
    ),
    max_size=25,
)


def _apply(conn, op, day):
    """Apply one operation; refusals must leave the ledger and audit log as they were."""
    before = _counts(conn)
    ids = [r[0] for r in conn.execute("SELECT id FROM ledger_entries ORDER BY id")]
    try:
        if op[0] == "actual":
            S.post_spend(conn, ACTOR, "grant", op[1], day, "item")
        elif op[0] == "commit":
            S.post_spend(conn, ACTOR, "grant", op[1], day, "order", commit=True)
        elif op[0] == "settle" and ids:
            S.settle(conn, ACTOR, ids[op[1] % len(ids)], day, op[2])
        elif op[0] == "reverse" and ids:
            S.reverse(conn, ACTOR, ids[op[1] % len(ids)], "test", day)
    except SendctlError:
        assert _counts(conn) == before, "a refused posting wrote something"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_any_sequence_balances_match_the_model(seq):
    with tempfile.TemporaryDirectory() as tmp:
        conn = _db(Path(tmp))
        for i, op in enumerate(seq):
            _apply(conn, op, date(2017, 4, 1 + i))
            bal = S.balance(conn, "grant")
            model = L.replay(ALLOC, _entries(conn))
            assert (bal.spent, bal.committed, bal.approved) == (
                model.spent,
                model.committed,
                model.approved,
            )
            assert bal.remaining == ALLOC - bal.spent - bal.committed
            # the guard holds: without --allow-overspend a fund never goes below zero (reversing a
            # settlement re-opens its commitment: a correction, warned about, never refused)
            if not conn.execute(
                "SELECT 1 FROM ledger_entries r JOIN ledger_entries s ON s.id = r.reverses_id"
                " WHERE s.kind = 'settlement'"
            ).fetchone():
                assert bal.remaining >= 0
            row = S.fund_balances(conn, date(2017, 12, 31))[0]
            assert (
                row["remaining_pence"]
                == row["allocation_pence"] - row["spent_pence"] - row["committed_pence"]
            )
            assert row["spent_pence"] == bal.spent and row["committed_pence"] == bal.committed
        conn.close()


@settings(max_examples=40, deadline=None)
@given(ops, st.sampled_from(["actual", "commit", "settle"]), st.integers(1, 100_000))
def test_a_reversal_nets_to_zero(seq, kind, amount):
    with tempfile.TemporaryDirectory() as tmp:
        conn = _db(Path(tmp))
        for i, op in enumerate(seq):
            _apply(conn, op, date(2017, 4, 1 + i))
        if kind == "settle":
            try:
                cid = S.post_spend(
                    conn, ACTOR, "grant", amount, date(2017, 6, 1), "o", commit=True
                ).id
            except SendctlError:
                return
            before = S.balance(conn, "grant")
            try:
                target = S.settle(conn, ACTOR, cid, date(2017, 6, 2), max(1, amount // 2)).id
            except SendctlError:
                return
        else:
            before = S.balance(conn, "grant")
            try:
                target = S.post_spend(
                    conn, ACTOR, "grant", amount, date(2017, 6, 1), "x", commit=kind == "commit"
                ).id
            except SendctlError:
                assert S.balance(conn, "grant") == before
                return
        assert S.balance(conn, "grant") != before
        S.reverse(conn, ACTOR, target, "mistake", date(2017, 6, 3))
        assert S.balance(conn, "grant") == before
        conn.close()


def test_triggers_refuse_update_and_delete(tmp_path):
    conn = _db(tmp_path)
    eid = S.post_spend(conn, ACTOR, "grant", 12_345, date(2017, 5, 1), "x").id
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE ledger_entries SET amount_pence = 1 WHERE id = ?", (eid,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM ledger_entries WHERE id = ?", (eid,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), transaction(conn):
        conn.execute("DELETE FROM ledger_entries")
    assert S.get_entry(conn, eid)["amount_pence"] == 12_345


def test_one_reversal_per_entry_is_enforced_by_the_database(tmp_path):
    conn = _db(tmp_path)
    eid = S.post_spend(conn, ACTOR, "grant", 100, date(2017, 5, 1), "x").id
    S.reverse(conn, ACTOR, eid, "dup", date(2017, 5, 2))
    e = S.get_entry(conn, eid)
    with pytest.raises(sqlite3.IntegrityError):
        S._insert(
            conn,
            ACTOR,
            {
                **{k: e[k] for k in ("fund", "description", "effect")},
                "kind": "reversal",
                "amount_pence": -100,
                "reverses_id": eid,
                **L.dated_fields(date(2017, 5, 3)),
            },
        )


def test_seed_is_idempotent_and_matches_design(tmp_path):
    conn = connect(tmp_path / "s.db", create=True)
    with transaction(conn):
        assert S.seed_funds(conn, ACTOR) == 3
    with transaction(conn):
        assert S.seed_funds(conn, ACTOR) == 0
    rows = {r["code"]: r for r in S.fund_balances(conn, date(2017, 4, 18))}
    assert rows["reserve"]["allocation_pence"] == 12_600_000
    assert rows["reserve"]["approved_pence"] == 5_000_000
    assert rows["dfe-grant"]["approved_pence"] is None
    assert S.fund_profile(conn, "capital") == {
        "2018-19": 16_666_667,
        "2019-20": 16_666_667,
        "2020-21": 16_666_666,
    }
    assert conn.execute("SELECT COUNT(*) FROM ledger_entries").fetchone()[0] == 1
    # as at the day before the approval, there is none
    assert {r["code"]: r for r in S.fund_balances(conn, date(2017, 4, 17))}["reserve"][
        "approved_pence"
    ] is None


def test_balances_as_of_and_by_year(tmp_path):
    conn = connect(tmp_path / "s.db", create=True)
    with transaction(conn):
        S.seed_funds(conn, ACTOR)
    S.post_spend(conn, ACTOR, "dfe-grant", 100, date(2018, 3, 31), "last day of 2017-18")
    S.post_spend(conn, ACTOR, "dfe-grant", 7, date(2018, 4, 1), "first day of 2018-19")
    S.post_spend(
        conn, ACTOR, "capital", 1_000, date(2019, 4, 1), "build", category="building", commit=True
    )
    grant = lambda rows: next(r for r in rows if r["code"] == "dfe-grant")  # noqa: E731
    assert grant(S.fund_balances(conn, date(2018, 3, 30)))["spent_pence"] == 0
    assert grant(S.fund_balances(conn, date(2018, 3, 31)))["spent_pence"] == 100
    assert grant(S.fund_balances(conn, date(2018, 4, 1)))["spent_pence"] == 107
    assert grant(S.fund_balances(conn, date(2019, 1, 1), "2017-18"))["spent_pence"] == 100
    assert grant(S.fund_balances(conn, date(2019, 1, 1), "2018-19"))["spent_pence"] == 7
    cap = next(
        r for r in S.fund_balances(conn, date(2020, 1, 1), "2019-20") if r["code"] == "capital"
    )
    assert cap["allocation_pence"] == 16_666_667 and cap["committed_pence"] == 1_000
    years = S.fund_year_balances(conn, date(2020, 1, 1))
    assert [(y["financial_year"], y["committed_pence"]) for y in years] == [
        ("2018-19", 0),
        ("2019-20", 1_000),
        ("2020-21", 0),
    ]


def test_reversing_a_settlement_reopens_the_commitment_with_a_warning(tmp_path):
    conn = _db(tmp_path)
    cid = S.post_spend(conn, ACTOR, "grant", 400_000, date(2017, 5, 1), "order", commit=True).id
    sid = S.settle(conn, ACTOR, cid, date(2017, 5, 2), 100_000).id  # releases £3,000
    S.post_spend(conn, ACTOR, "grant", 800_000, date(2017, 5, 3), "big")
    assert S.balance(conn, "grant").remaining == 100_000
    res = S.reverse(conn, ACTOR, sid, "wrong invoice", date(2017, 5, 4))
    assert any("re-opens commitment" in w and "over by £2,000.00" in w for w in res.warnings)
    bal = S.balance(conn, "grant")
    assert (bal.spent, bal.committed, bal.remaining) == (800_000, 400_000, -200_000)
