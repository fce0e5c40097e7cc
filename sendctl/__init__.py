"""sendctl: a command-line tool for a local authority SEND service."""

__version__ = "0.1.0"
