"""The one error type for expected failures (bad input, refused actions, busy database)."""

# Exit codes of design.md §2.
EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_CHECK_FAILED = 3
EXIT_BUSY = 4


class SendctlError(Exception):
    """An expected failure: shown as one line on stderr, never with a traceback.

    Args:
        message: what went wrong, naming the file/line/field where there is one.
        hint: optional next step for the user.
        exit_code: one of the EXIT_* codes above.
    """

    def __init__(self, message: str, hint: str | None = None, exit_code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
