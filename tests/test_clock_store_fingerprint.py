"""The clock store is counted again when the bank-holiday data changes: a new `holidays`
release may add a bank holiday, which moves every working-day due date after it."""

from sendctl.storage import clock_store as S


def test_a_new_holidays_release_changes_the_fingerprint(monkeypatch):
    S.fingerprint.cache_clear()
    try:
        before = S.fingerprint()
        assert "holidays-" in S._holidays_release()
        monkeypatch.setattr(S, "_holidays_release", lambda: "holidays-99.0.dist-info")
        S.fingerprint.cache_clear()
        assert S.fingerprint() != before
    finally:
        monkeypatch.undo()
        S.fingerprint.cache_clear()
    assert S.fingerprint() == before


def test_a_change_to_how_histories_are_read_changes_the_fingerprint(monkeypatch, tmp_path):
    # the stored clocks are the engine's output over the histories read from the database:
    # the code that reads them is part of what they were computed with
    from sendctl.storage import histories

    changed = tmp_path / "histories.py"
    changed.write_text(open(histories.__file__).read() + "\n# a changed reading\n")
    S.fingerprint.cache_clear()
    try:
        before = S.fingerprint()
        monkeypatch.setattr(histories, "__file__", str(changed))
        S.fingerprint.cache_clear()
        assert S.fingerprint() != before
    finally:
        monkeypatch.undo()
        S.fingerprint.cache_clear()
