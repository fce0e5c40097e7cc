"""What every command shares: app state, the error boundary, shared options, messages.

Module top imports only typer and sendctl.domain.errors (start-up time).
"""

import os
import sys
import traceback
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from sendctl.domain.errors import EXIT_BAD_INPUT, SendctlError

BUG_EXIT = 70  # EX_SOFTWARE: an unexpected crash, not bad input


def state(labels: dict[str, str] | None = None):
    """This run's Session: made by the root callback and kept on the click context (ctx.obj).

    Called from a command, it also records that command for the audit trail and its flags, so
    a refused value is reported under the flag that set it: a parameter named like the domain
    field is found by itself; `labels` adds {field: flag} where the names differ.
    """
    ctx = _current_context()
    session = ctx.find_object(_session_class()) if ctx is not None else None
    if session is None:
        raise RuntimeError("no sendctl session on the click context")
    if ctx.command is not None and ctx.parent is not None:
        session.command = current_command()
        table = ctx.meta.setdefault("sendctl.field_labels", {})
        for p in ctx.command.params:
            if getattr(p, "param_type_name", "") == "argument":
                table.setdefault(p.name, p.human_readable_name)
            else:
                table.setdefault(p.name, p.opts[0])
        for field, flag in (labels or {}).items():
            table.setdefault(field, flag)
    return session


def _leaf_labels(ctx) -> dict[str, str]:
    """{parameter name: flag} of the command the arguments name, for a refusal raised before
    the command asked for its session."""
    words = ctx.meta.get("sendctl.argv", [])
    cmd = ctx.command
    for word in words:
        get = getattr(cmd, "get_command", None)
        if get is None:
            break
        nxt = get(ctx, word)
        if nxt is None:
            break
        cmd = nxt
    out = {}
    for p in getattr(cmd, "params", []):
        if getattr(p, "param_type_name", "") == "argument":
            out[p.name] = p.human_readable_name
        elif p.opts:
            out[p.name] = p.opts[0]
    return out


def _session_class():
    from sendctl.services.session import Session

    return Session


def _current_context():
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - typer before it vendored Click
        from click import get_current_context
    return get_current_context(silent=True)


def default_db_path() -> Path:
    from sendctl.services.session import default_db_path

    return default_db_path()


def current_command() -> str:
    """The command path without the program name, e.g. "cases import" (for the audit trail)."""
    ctx = _current_context()
    if ctx is None:
        return "?"
    return " ".join(ctx.command_path.split()[1:]) or ctx.command_path


# --- messages ---------------------------------------------------------------------------------


def _colour_stderr() -> bool:
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def info(message: str) -> None:
    """A state-change or progress line on stderr (silenced by -q)."""
    if not state().quiet:
        sys.stderr.write(message + "\n")


def warn(message: str) -> None:
    prefix = "\x1b[33mWarning:\x1b[0m " if _colour_stderr() else "Warning: "
    sys.stderr.write(prefix + message + "\n")


def error_line(err: SendctlError) -> None:
    prefix = "\x1b[31mError:\x1b[0m " if _colour_stderr() else "Error: "
    sys.stderr.write(prefix + err.message + "\n")
    if err.hint:
        sys.stderr.write(f"  hint: {err.hint}\n")


class ErrorGroup(TyperGroup):
    """The one place expected failures become exit codes.

    SendctlError -> one line on stderr and its exit code; SQLite busy -> exit 4; anything else
    is a bug: traceback plus a line asking for a report.

    Lazy commands (start-up time): a subclass may set `lazy_commands` to
    {name: (module, attribute, one-line summary)}. The root --help lists them from that table
    without importing anything; only the command named on the command line is imported and built
    (typer parses the signature of every command it builds: ~50 of them cost 15-25 ms a run).
    `attribute` names a typer.Typer to mount as the group `name`, or a zero-argument function
    returning one; "TYPER_ATTR.COMMAND" names one command of a Typer mounted at the top level.
    """

    lazy_commands: dict[str, tuple[str, str, str]] = {}

    def list_commands(self, ctx) -> list[str]:
        eager = [n for n in super().list_commands(ctx) if n not in self.lazy_commands]
        return [*self.lazy_commands, *eager]

    def get_command(self, ctx, cmd_name: str):
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.commands[cmd_name] = self.load_lazy(cmd_name)
        return super().get_command(ctx, cmd_name)

    def load_lazy(self, name: str):
        """Import and build the one lazy command `name` (a click command)."""
        import importlib

        module, attribute, _summary = self.lazy_commands[name]
        attribute, _, sub = attribute.partition(".")
        obj = getattr(importlib.import_module(module), attribute)
        if not isinstance(obj, typer.Typer):
            obj = obj()  # a factory, e.g. one that adds a command from another module first
        built = typer.main.get_group(obj)  # a group even with one command, as add_typer mounts it
        if sub:
            built = built.commands[sub]
        built.name = name
        finish_command(built)
        return built

    def format_commands(self, ctx, formatter) -> None:
        if not self.lazy_commands:
            return super().format_commands(ctx, formatter)
        rows = [(name, summary) for name, (_m, _a, summary) in self.lazy_commands.items()]
        for name in self.list_commands(ctx)[len(rows) :]:
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(formatter.width)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except Exception as e:  # click's UsageError ("No such command ...")
            # TyperGroup suggests near names from self.commands, which holds only loaded ones
            message = getattr(e, "message", None)
            if (
                self.lazy_commands
                and args
                and isinstance(message, str)
                and "Did you mean" not in message
                and "No such command" in message
            ):
                from difflib import get_close_matches

                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    e.message = (
                        message.rstrip(".")
                        + ". Did you mean "
                        + ", ".join(repr(m) for m in matches)
                        + "?"
                    )
            raise

    def invoke(self, ctx):
        # the words naming the command, kept to name a refused field by its flag (_leaf_labels)
        ctx.meta["sendctl.argv"] = [*getattr(ctx, "_protected_args", []), *ctx.args]
        ok = False
        try:
            result = super().invoke(ctx)
            ok = True
            return result
        except SendctlError as e:
            problems = getattr(e, "problems", None)
            if problems and all(p.line is None for p in problems):
                from sendctl.domain.problems import describe

                labels = {**_leaf_labels(ctx), **ctx.meta.get("sendctl.field_labels", {})}
                e.message = "\n".join(
                    describe(p, labels.get(p.field) or "--" + p.field.replace("_", "-"))
                    for p in problems
                )
            error_line(e)
            raise typer.Exit(e.exit_code) from None
        except UnicodeDecodeError as e:
            error_line(
                SendctlError(
                    f"text is not in the expected encoding ({e.reason})",
                    hint="try --encoding cp1252 or --encoding utf-8",
                )
            )
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BrokenPipeError:
            # `sendctl ... | head`: the reader left; not an error worth a traceback.
            sys.stderr.close()
            raise typer.Exit(0) from None
        except typer.Exit as e:
            ok = e.exit_code == 0
            raise
        except (typer.Abort, KeyboardInterrupt):
            raise
        except OSError as e:
            err = os_error(e)
            if err is None:
                _report_bug()
                raise typer.Exit(BUG_EXIT) from None
            error_line(err)
            raise typer.Exit(err.exit_code) from None
        except Exception as e:
            sqlite3 = sys.modules.get("sqlite3")  # not imported for --help: keep it that way
            if sqlite3 is not None and isinstance(e, sqlite3.Error):
                from sendctl.services.session import translate_db_error

                session = ctx.obj
                err = translate_db_error(e, getattr(session, "db_path", None))
                error_line(err)
                raise typer.Exit(err.exit_code) from None
            if getattr(e, "exit_code", None) is not None and type(e).__module__.startswith(
                ("typer", "click")
            ):
                if type(e).__name__ == "BadParameter":
                    # a value refused (a code not in its list, a number out of range): bad input,
                    # exit 1 like every other refused value; exit 2 stays for usage mistakes
                    error_line(SendctlError(e.format_message()))
                    raise typer.Exit(EXIT_BAD_INPUT) from None
                raise  # usage errors and the like: Click prints them itself
            _report_bug()
            raise typer.Exit(BUG_EXIT) from None
        finally:
            formats = sys.modules.get("sendctl.render.formats")  # loaded only if output was written
            if formats is not None:
                formats.forget_outputs()
            pager = sys.modules.get("sendctl.render.pager")  # loaded only if output was paged
            if pager is not None:
                pager.close()
            if ctx.obj is not None and hasattr(ctx.obj, "close"):
                ctx.obj.close(failed=not ok)


def _report_bug() -> None:
    traceback.print_exc()
    sys.stderr.write(
        "sendctl hit an unexpected error: this is a bug. Please report it with the "
        "command you ran and the lines above.\n"
    )


def os_error(e: OSError) -> SendctlError | None:
    """The file-system failures that are the machine's state, not a bug: one line naming the
    file and what happened (None for anything else)."""
    import errno

    what = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "not permitted",
        errno.ENOENT: "no such file or folder",
        errno.EISDIR: "is a folder",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EIO: "the disk reported an input/output error",
        errno.ELOOP: "is a symbolic link (not followed)",
        errno.ENAMETOOLONG: "the name is too long",
    }.get(e.errno)
    if what is None:
        return None
    where = f"{e.filename}: " if e.filename else ""
    hint = (
        "free some space, then run the command again"
        if e.errno in (errno.ENOSPC, errno.EDQUOT)
        else None
    )
    return SendctlError(f"{where}{what}; the command stopped there", hint=hint)


def _no_pager(ctx, _param, value) -> None:
    """Every listing: on a terminal its output goes through the pager unless --no-pager."""
    if value or not sys.stdout.isatty():
        if value:
            from sendctl.render import pager

            pager.turn_off()
        return
    from sendctl.render import pager

    pager.install()


def finish_command(command) -> None:
    """What every command gets, declared once here rather than in each of them:
    - a listing (a command with --format) takes --no-pager;
    - help shows DATE, AMOUNT, REF, FILE, TEXT, N as metavars, never <str> or {ref};
    - a command's line in its group's help is its whole first paragraph, never cut short."""
    from typer.core import TyperArgument, TyperOption

    for sub in getattr(command, "commands", {}).values():
        finish_command(sub)
    if command.help and not command.short_help:
        command.short_help = " ".join(command.help.split("\n\n")[0].split())
    params = getattr(command, "params", [])
    for p in params:
        if isinstance(p, TyperArgument):
            p.__class__ = _Argument
        elif isinstance(p, TyperOption) and not p.is_flag and p.metavar is None:
            p.metavar = _option_metavar(p)
    if any(p.name == "fmt" for p in params) and not any(p.name == "no_pager" for p in params):
        params.append(
            TyperOption(
                param_decls=["--no-pager", "no_pager"],
                is_flag=True,
                expose_value=False,
                callback=_no_pager,
                help="Print straight to the terminal, without a pager.",
            )
        )


_ARGUMENT_METAVARS = {
    "ref": "REF",
    "case_ref": "REF",
    "file": "FILE",
    "path": "FILE",
    "dest": "FILE",
    "backup": "FILE",
    "amount": "AMOUNT",
}


def _option_metavar(p) -> str | None:
    type_name = getattr(p.type, "name", "")
    if p.type.get_metavar(param=p, ctx=None):  # choices, DATE, AMOUNT: the type says it
        return None
    if type_name == "path":
        return "FILE"
    if type_name in ("integer", "integer range"):
        return "N"
    if type_name == "float":
        return "NUMBER"
    return "TEXT"


try:
    from typer.core import TyperArgument as _TyperArgument
except ImportError:  # pragma: no cover
    _TyperArgument = object


class _Argument(_TyperArgument):
    """An argument shown as REF (or [REF] when optional) in usage lines, not {ref}."""

    def make_metavar(self, ctx=None, *, usage: bool = False) -> str:
        var = self.metavar or _ARGUMENT_METAVARS.get(self.name, (self.name or "").upper())
        if self.nargs != 1:
            var += "..."
        return f"[{var}]" if usage and not self.required else var


def new_app(help_text: str, **kw) -> typer.Typer:
    """A sub-app with the project's settings (plain help keeps --help fast)."""
    return typer.Typer(
        help=help_text,
        add_completion=False,
        no_args_is_help=kw.pop("no_args_is_help", True),
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        **kw,
    )


# --- shared options ---------------------------------------------------------------------------


def choices(name: str, values) -> type[Enum]:
    """A typer choice Enum built from a domain code list, so each list lives in one place."""
    return Enum(name, {v.replace("-", "_"): v for v in values}, type=str)


class Fmt(str, Enum):
    table = "table"
    plain = "plain"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


FormatOpt = Annotated[
    Fmt | None,
    typer.Option(
        "--format",
        help="table, plain, csv, json or xlsx (typed cells; needs --output FILE) (default: table on a "
        "terminal, plain otherwise).",
        case_sensitive=False,
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", help="Write to FILE (created readable by you only); '-' = stdout."),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Check and report what would change; write nothing.")
]


try:
    from typer._click.types import IntParamType, ParamType
except ImportError:  # pragma: no cover - typer before it vendored Click
    from click.types import IntParamType, ParamType


class WholeNumber(IntParamType):
    """An integer option or argument within lo..hi. Anything else (20 digits, a negative count)
    is a refused value: exit 1 with the flag named, never a usage error or an overflow deeper in.
    """

    def __init__(self, lo: int, hi: int, what: str | None = None):
        self.lo, self.hi, self.what = lo, hi, what
        self.name = "integer"

    def convert(self, value, param, ctx):
        if param is None:
            flag = "value"
        elif getattr(param, "param_type_name", "") == "argument":
            flag = param.metavar or param.name.upper()
        else:
            flag = param.opts[0]
        if not isinstance(value, int) or isinstance(value, bool):
            text = str(value).strip()
            if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or len(text) > 30:
                raise SendctlError(f"{flag}: not a whole number (got {text[:40]!r})")
            value = int(text)
        if not self.lo <= value <= self.hi:
            what = self.what or (
                f"must be from {self.lo:,} to {self.hi:,}"
                if self.hi > 9999
                else f"must be from {self.lo} to {self.hi}"
            )
            raise SendctlError(f"{flag}: {what} (got {value})")
        return value


DAYS_AHEAD = WholeNumber(0, 3660, "days ahead must be from 0 to 3,660 (ten years)")
YEAR = WholeNumber(1900, 2100, "must be a year from 1900 to 2100")
ROW_LIMIT = WholeNumber(1, 1_000_000_000)
ENTRY_ID = WholeNumber(1, 2**63 - 1, "no such id")


def _flag(param) -> str:
    if param is None:
        return "value"
    if getattr(param, "param_type_name", "") == "argument":
        return param.metavar or param.name.upper()
    return param.opts[0]


class DateType(ParamType):
    """Every date option and argument: 2018-03-31 or 31/03/2018 (and the other spellings of
    sendctl.domain.dates.parse_date) to a datetime.date; a bad date is a refused value (exit 1,
    the flag named, the same message everywhere). Shown as DATE in --help."""

    name = "date"

    def get_metavar(self, param, ctx=None) -> str:
        return "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        from sendctl.domain.dates import parse_date

        return parse_date(str(value), _flag(param))


class MoneyType(ParamType):
    """Every amount of money: £1,234.56, 1234.56 or 1234 to integer pence (never rounded);
    anything else is a refused value naming the flag. Shown as AMOUNT in --help."""

    name = "amount"

    def __init__(self, allow_negative: bool = False):
        self.allow_negative = allow_negative

    def get_metavar(self, param, ctx=None) -> str:
        return "AMOUNT"

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        from sendctl.domain.money import parse_pence

        return parse_pence(str(value), _flag(param), allow_negative=self.allow_negative)


DATE = DateType()
AMOUNT = MoneyType()

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        click_type=DATE,
        help="As at DATE (2018-03-31 or 31/03/2018); default today.",
        show_default=False,
    ),
]


def fmt_value(fmt: Fmt | None) -> str | None:
    return fmt.value if fmt is not None else None


def as_of_date(value: "str | date | None") -> date:
    """--as-of, default today (the CLI reads the clock; domain code never does)."""
    return _parse(value, "--as-of") if value else date.today()


def _parse(value, flag: str) -> date:
    if isinstance(value, date):
        return value
    from sendctl.domain.dates import parse_date

    return parse_date(value, flag)


def opt_date(value: "str | date | None", flag: str) -> date | None:
    """A date option already converted by DATE, or text still to parse (same rules)."""
    return _parse(value, flag) if value else None


def need_date(value: "str | date", flag: str) -> date:
    return _parse(value, flag)


def opt_pence(value: "str | int | None", flag: str, allow_negative: bool = False) -> int | None:
    """An amount already converted by AMOUNT (pence), or text still to parse (same rules)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    from sendctl.domain.money import parse_pence

    return parse_pence(value, flag, allow_negative=allow_negative)


def confirm_or_force(question: str, force: bool) -> None:
    """Ask only on a terminal; elsewhere --force is required (clig.dev)."""
    if force:
        return
    if sys.stdin.isatty():
        if not typer.confirm(question, default=False):
            raise typer.Abort()
        return
    raise SendctlError(f"{question} (not asked: no terminal)", hint="add --force to go ahead")
