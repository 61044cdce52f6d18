"""``make demo``: the main jobs of salescrm run on the bundled sample team in data/.

Each step is a salescrm command line, printed before its output, as a sales rep
would type it. The fixed --as-of date keeps the output the same every day.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (title, command) — {as_of} is the demo's fixed date.
REFUSED = ("customer add 启明科技",)  # steps that show a refusal: exit 4 is what they demonstrate
STEPS: list[tuple[str, str]] = [
    ("The team", "member list"),
    ("VIP and A-tier customers", "customer list --tier VIP"),
    ("One customer's profile", "customer show CRM202405001"),
    ("Target attainment this year", "report attainment --period 2026 --as-of {as_of}"),
    ("The pipeline by stage and month", "report pipeline --as-of {as_of}"),
    ("High-potential customers (saved filter)", "query --saved 高潜客户 --as-of {as_of}"),
    ("The open pipeline", "opp list --open --as-of {as_of}"),
    (
        "Big deals in negotiation",
        "opp list --where 'stage = negotiation and amount >= 100000' --as-of {as_of}",
    ),
    ("What won contracts still owe, and how late (回款)", "report receivables --as-of {as_of}"),
    ("Installments overdue", "pay list --overdue --as-of {as_of}"),
    ("The quarter's forecast", "report forecast --period 2026Q4 --as-of {as_of}"),
    ("Is the data sound?", "check"),
    ("Adding a company that is already a customer: refused, naming only its number and owner (查重, exit 4)",
     "customer add 启明科技 --source 2026年秋季行业展会 --contact 王建国 --phone 13900001111 --needs 采购服务器"),
    ("Everyone's reminders this morning", "remind --all --as-of {as_of}"),
    ("The public pool (客户公海): when a customer goes back, and the claim limits", "pool rules"),
    ("Who the recycle rules would send back to the pool (a dry run: nothing moves)",
     "pool recycle --as-of {as_of}"),
    ("The monthly review pack (open the file in a browser, or print it to PDF)",
     "report review --period 2026-11 --as-of {as_of} -f html --out demo-out/review-2026-11.html"),
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", default="2026-11-27")
    args = parser.parse_args()
    env = {**os.environ, "SALESCRM_DATA": str(ROOT / "data"), "SALESCRM_USER": "li.na"}
    salescrm = [sys.executable, "-m", "salescrm"]
    (ROOT / "demo-out").mkdir(exist_ok=True)  # git-ignored: the review pack is written here
    for title, command in STEPS:
        line = command.format(as_of=args.as_of)
        print(f"\n== {title}\n$ salescrm {line}", flush=True)
        result = subprocess.run([*salescrm, *shlex.split(line)], env=env, cwd=ROOT, check=False)
        expected = (0, 1, 4) if line.startswith(REFUSED) else (0, 1)
        if result.returncode not in expected:
            print(f"demo step failed with exit code {result.returncode}", file=sys.stderr)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
