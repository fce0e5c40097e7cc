"""Placeholder: filled in by the status/report/audit issue."""

from sendctl.cli._common import new_app

app = new_app("Reports.", no_args_is_help=False)
report_app = new_app("Statutory returns (not built yet).")
