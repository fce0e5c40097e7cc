"""sendctl: a command-line tool for a local authority SEND service."""

# 0.<schema version>.<release>: a release that adds a migration moves the middle number to the
# new schema version (tests/test_version.py holds the two together), so `sendctl --version`
# tells apart two installs that would write different schemas.
__version__ = "0.28.0"
