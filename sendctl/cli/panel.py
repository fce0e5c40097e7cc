"""Placeholder: filled in by its issue."""

from sendctl.cli._common import new_app

app = new_app("panel (not built yet).")
