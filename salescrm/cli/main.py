"""The ``salescrm`` command: global options, the one error handler, the command groups."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from importlib import import_module
from typing import Any, NoReturn

import typer
import typer.main
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from salescrm import __version__
from salescrm.cli import completion
from salescrm.cli.context import Session, language_of
from salescrm.cli.help_language import HELP_SESSION, HelpContext, adopt, reader_language, usage_error
from salescrm.core.errors import CrmError, Msg


def report_error(error: CrmError, lang: str = "en") -> None:
    """``error: …`` and ``hint: …`` (the prefixes stay: scripts and cron mail grep for them)."""
    from salescrm.core.safe_text import visible  # messages quote names and values from files
    from salescrm.i18n import say

    print(f"error: {visible(say(error.message, lang), multiline=True)}", file=sys.stderr)
    if error.hint:
        print(f"hint: {visible(say(error.hint, lang), multiline=True)}", file=sys.stderr)


def _lang_of(ctx: typer.Context) -> str:
    """The command's language for an error; English when even that cannot be known."""
    try:
        return str(ctx.find_root().obj.lang)
    except Exception:  # no session yet, or the language setting itself is the error
        return "en"


def _untrusted_cache_notice() -> None:
    """Say once that the user's cache folder was refused (store/cache_files.py), and remove
    the private folder used instead."""
    files: Any = sys.modules.get("salescrm.store.cache_files")  # imported only by commands that read
    if files is not None and files.refusal:
        from salescrm.core.safe_text import visible

        print(f"warning: {visible(files.refusal)}", file=sys.stderr)
        files.refusal = None
        files.remove_private_cache()


GLOBAL_ANYWHERE = {"--lang": True, "--wide": False, "--wan": False}  # option → takes a value


def hoist_global_options(args: list[str]) -> list[str]:
    """``--lang``, ``--wide`` and ``--wan`` moved to the front, where the root takes them, from
    wherever they were typed (``salescrm customer list --lang zh``); nothing after ``--``."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            rest += args[i:]
            break
        name = word.partition("=")[0]
        if name in GLOBAL_ANYWHERE:
            takes_value = GLOBAL_ANYWHERE[name] and "=" not in word
            front += args[i : i + 1 + takes_value]
            i += 1 + takes_value
            continue
        rest.append(word)
        i += 1
    return front + rest


def _read_ahead(args: list[str], option: str) -> str | None:
    """The value of a global option before the command line is parsed (``--opt V``, ``--opt=V``)."""
    for i, word in enumerate(args):
        if word == "--":
            break
        if word.startswith(option + "="):
            return word.partition("=")[2]
        if word == option and i + 1 < len(args):
            return args[i + 1]
    return None


def _help_session(args: list[str]) -> Session:
    """The session the root's own ``--help`` is written for (it comes before the root
    callback): its language from --lang, else as the session finds it."""
    lang = _read_ahead(args, "--lang")
    try:
        lang = language_of(lang, "--lang") if lang else None
    except CrmError:  # the root callback says so, when the command runs
        lang = None
    return Session(data_option=_read_ahead(args, "--data"), lang_option=lang)


def _say_error(message: Msg, lang: str) -> None:
    from salescrm.i18n import say

    print(f"error: {say(message, lang)}", file=sys.stderr)


def _lang_of_line(args: list[str]) -> str:
    """The language a command line asks for, before it is parsed; English when unknown."""
    try:
        return _help_session(args).lang
    except CrmError:  # an unknown $SALESCRM_LANG
        return "en"


class CrmGroup(TyperGroup):
    """Turns every CrmError and usage error into ``error: …`` / ``hint: …`` and its exit code;
    its commands' help is in the reader's language (cli/help_language.py)."""

    context_class = HelpContext

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CrmError as error:
            report_error(error, _lang_of(ctx))
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            _say_error(Msg("interrupted; nothing was changed"), _lang_of(ctx))
            ctx.exit(130)
        finally:
            _untrusted_cache_notice()

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        if ctx.parent is None:  # the whole command line: global options may come anywhere in it
            args = hoist_global_options(args)
            ctx.meta[HELP_SESSION] = _help_session(args)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        for name in COMMAND_MODULES:
            _load_command(self, name)
        names = [name for name in COMMAND_MODULES if name in self.commands]
        # Single commands first, then groups: the order typer gives an app built in one go.
        return sorted(names, key=lambda name: isinstance(self.commands[name], TyperGroup))

    def get_command(self, ctx: typer.Context, name: str) -> Any:  # type: ignore[override]
        _load_command(self, name)
        return super().get_command(ctx, name)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False  # errors are ours to print
        line = kwargs.get("args", args[0] if args else None)
        line = list(sys.argv[1:] if line is None else line)
        try:
            result = super().main(*args, **kwargs)
        except TyperException as error:  # typer's own usage errors (it bundles click)
            context = getattr(error, "ctx", None)
            # An option's value missing: the parser knows no command, the line tells the language.
            lang = reader_language(context) if context is not None else _lang_of_line(line)
            if type(error).__name__ == "NoArgsIsHelpError":
                print(error.format_message(), file=sys.stderr)
            else:
                print(f"error: {usage_error(error.format_message(), lang)}", file=sys.stderr)
                if context is not None:
                    hint = usage_error(f"see: {context.command_path} --help", lang)
                    print(f"hint: {hint}", file=sys.stderr)
            sys.exit(getattr(error, "exit_code", 2))
        except Abort:
            _say_error(Msg("aborted; nothing was changed"), _lang_of_line(line))
            sys.exit(1)
        except ValueError as error:  # typer's path parameters stat the value as given
            if "null byte" not in str(error):
                raise
            _say_error(Msg("a path must not contain a NUL character"), _lang_of_line(line))
            sys.exit(2)
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=CrmGroup,
    name="salescrm",
    help="salescrm — a sales-team CRM that lives in a git repository.\n\n"
    "Example: salescrm --data data customer list --tier VIP",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"salescrm {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data: str = typer.Option(
        None, "--data", help="The data directory (else $SALESCRM_DATA, or found upwards)."
    ),
    as_member: str = typer.Option(
        None,
        "--as",
        help="Act as this member (else $SALESCRM_USER, or git e-mail).",
        autocompletion=completion.members,
    ),
    lang: str = typer.Option(
        None, "--lang", help="zh or en, anywhere on the line (else $SALESCRM_LANG, the team's locale, $LANG)."
    ),
    wide: bool = typer.Option(
        False,
        "--wide",
        help="Tables show every column, uncut, even in a narrow terminal (anywhere on the line).",
    ),
    wan: bool = typer.Option(
        False, "--wan", help="Amounts in units of ten thousand in Chinese tables (anywhere on the line)."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """salescrm — a sales-team CRM that lives in a git repository."""
    for option, value in (("--data", data), ("--as", as_member)):
        if value is not None and not value.strip():
            raise CrmError(
                Msg("{option} must not be empty", option=option),
                hint=Msg("leave the option out, or give a value"),
            )
    if lang is not None:
        lang = language_of(lang, "--lang")
    ctx.obj = Session(data_option=data, as_option=as_member, lang_option=lang)
    from salescrm.cli import fit, render

    render.LAYOUT = render.Layout(width=None if wide else fit.terminal_width(), wan=wan)


# Each command group lives in its own module and adds itself to the app; a command line
# imports only the modules of the command it names (``--help`` imports them all).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "init": ("init",), "member": ("member", "handover"), "customer": ("customer", "handover"),
    "check": ("check",), "pool": ("pool",),
    "followup": ("followup",), "remind": ("remind",), "opp": ("opp",), "target": ("target",),
    "report": ("report", "review"), "tier": ("tier",), "query": ("query",), "filter": ("query",),
    "sync": ("sync",), "log": ("sync",), "merge-driver": ("sync",), "import": ("imports",),
    "feedback": ("feedback",), "export": ("export",), "dev": ("dev",), "verify": ("verify",),
    "find": ("find",), "pay": ("pay",),
}  # fmt: skip


def _load_command(group: TyperGroup, name: str) -> None:
    if name in group.commands or name not in COMMAND_MODULES:
        return
    staging = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
    for module in COMMAND_MODULES[name]:
        import_module(f"salescrm.cli.{module}").register(staging)
    for added, command in typer.main.get_group(staging).commands.items():
        adopt(command)
        group.commands.setdefault(added, command)


def main() -> None:
    # A command lives for a moment and builds many small records that form no cycles:
    # the cyclic garbage collector would only scan them again and again (2-3x slower loads).
    gc.disable()
    if os.environ.get("SALESCRM_DEBUG"):
        app()
        return
    try:
        app()
    except SystemExit as done:
        _leave(done.code)
    except BrokenPipeError:
        _leave(1, quiet=True)
    except Exception as error:  # the last guard: never a traceback for the user
        print(f"error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
        print(
            "hint: this is a bug in salescrm; rerun with SALESCRM_DEBUG=1 and report it",
            file=sys.stderr,
        )
        _leave(70)


def _leave(code: object, quiet: bool = False) -> NoReturn:
    """Exit without tearing the interpreter down: a command ends holding up to a million
    small objects that Python would free one by one (20-30 ms at 10,000 customers) for a
    process that is ending anyway. Output is flushed first; nothing else is pending then
    (files are closed by their ``with``, the lock is released by the kernel). Under
    coverage, a profiler or a debugger, which save their data at exit, it exits normally."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (``salescrm … | head``): not an error to show
        quiet, status = True, status or 1
    if quiet:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if "coverage" in sys.modules or sys.getprofile() or sys.gettrace():  # they save their data at exit
        sys.exit(status)
    os._exit(status)
