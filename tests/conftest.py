"""Every test gets its own database and a quiet, colourless, wide environment (style.md §5)."""

import json

import pytest
from typer.testing import CliRunner

from sendctl.cli import app


def pytest_collection_modifyitems(config, items):
    """Everything under tests/reliability/ is slow: skip it locally with -m "not slow"."""
    for item in items:
        if "reliability" in item.path.parts:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDCTL_DB", str(tmp_path / "test.db"))
    monkeypatch.setenv("SENDCTL_OFFICER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for var in (
        "FORCE_COLOR",
        "SENDCTL_SMTP_HOST",
        "SENDCTL_SMTP_PORT",
        "SENDCTL_SMTP_USER",
        "SENDCTL_SMTP_PASSWORD",
        "SENDCTL_SMTP_FROM",
        "SENDCTL_SMTP_STARTTLS",
        "SENDCTL_SMTP_SSL",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.db"


class Run:
    """Invoke the real CLI in-process; stdout and stderr kept apart."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args, input=None, expect: int | None = 0):
        result = self.runner.invoke(
            app, [str(a) for a in args], input=input, catch_exceptions=False
        )
        if expect is not None and result.exit_code != expect:
            raise AssertionError(
                f"sendctl {' '.join(map(str, args))} exited {result.exit_code}, expected {expect}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def json(self, *args, expect: int | None = 0):
        return json.loads(self(*args, "--format", "json", expect=expect).stdout)


@pytest.fixture
def run():
    return Run()
