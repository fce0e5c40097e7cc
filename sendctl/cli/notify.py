"""Placeholder: filled in by the deadline warnings issue."""


def notify() -> None:
    """Email each caseworker their deadlines (not built yet)."""
