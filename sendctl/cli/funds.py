"""Placeholder: filled in by the funds issue."""

from sendctl.cli._common import new_app

funds_app = new_app("Funds (not built yet).")
spend_app = new_app("Spend ledger (not built yet).")
