"""``salescrm verify OLD NEW``: check a git range against the rulebook (server hook, CI)."""

from __future__ import annotations

from pathlib import Path

import typer

from salescrm.cli.context import out, session
from salescrm.core.errors import Msg, UsageError
from salescrm.i18n import say


def verify(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="The commit before the range (all zeros: a new branch)."),
    new: str = typer.Argument(..., help="The last commit of the range (all zeros: a deleted branch)."),
    repo: str = typer.Option(".", "--repo", help="The git repository (default: here)."),
    ref: str = typer.Option(None, "--ref", help="The ref being updated, named in the report."),
) -> None:
    """Check every commit in OLD..NEW against the team's rules as they stood in its parent:
    the author's e-mail names the member; each changed file is compared before and after.
    Exits 1 listing every breach (a pre-receive hook then refuses the push).

    Example: salescrm verify origin/main HEAD   (or, on the server: salescrm init --server-hook REPO.git)
    """
    from salescrm.core.parse import parse_text
    from salescrm.store.verify import VerifyFailed, verify_range

    if not repo.strip():
        raise UsageError(Msg("--repo must not be empty"), hint=Msg("leave it out to use the repository here"))
    if ref is not None:
        ref = parse_text(ref, "--ref", 200)
    checked, findings = verify_range(Path(repo), old.strip(), new.strip())
    if findings:
        for finding in findings:
            out(f"{finding}\n")
        where = f" to {ref}" if ref else ""
        raise VerifyFailed(
            f"{len(findings)} change{'s break' if len(findings) != 1 else ' breaks'}{where} the team's rules "
            f"(salescrm.yaml: permissions)",
            hint="a manager may make the change, or undo it (git revert) and push again",
        )
    kept = (
        Msg("{count} commits keep the rules", count=checked)
        if checked != 1
        else Msg("1 commit keeps the rules")
    )
    out(say(kept, session(ctx).lang) + "\n")


def register(app: typer.Typer) -> None:
    app.command()(verify)
