"""Placeholder: filled in by the statutory clocks issue."""

from sendctl.cli._common import new_app

transfers_app = new_app("Statement-to-EHCP transfers (not built yet).")
assessments_app = new_app("New EHC needs assessments (not built yet).")
reviews_app = new_app("Annual reviews (not built yet).")
deadlines_app = new_app("Statutory deadlines (not built yet).")
