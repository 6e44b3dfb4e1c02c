"""Fault injection, the slow variant (issue #19, SPEC §7): `make faults`.

Kills `import`, `classify`, `report` and `run` with SIGKILL and SIGTERM at random moments,
runs `talentcli run` again after each, checks the store, the reports, leftovers and the
inbox (tests/faults_harness.py says how), prints every trial and the figures, and exits 1 if
any trial lost something.

    python benchmarks/faults.py [--trials 60] [--seed S] [--n 3000] [--trial K ...]

The seed is printed first; `--seed S --trial K` replays trial K of that schedule (the kill
moment is the same fraction of the command's duration, measured again).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.faults_harness import (  # noqa: E402
    COMMANDS,
    Harness,
    figures,
    quick_schedule,
    schedule,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=60, help="trials in all (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="schedule seed (default: random)")
    parser.add_argument("--n", type=int, default=3000, help="people in the synthetic cohort")
    parser.add_argument(
        "--formats", default="xlsx,html,csv,json,md", help="talent.yaml formats (default: all)"
    )
    parser.add_argument("--commands", default=",".join(COMMANDS), help="commands to kill")
    parser.add_argument("--trial", type=int, action="append", help="run only trial K (replay)")
    parser.add_argument(
        "--quick", action="store_true", help="the schedule of tests/test_faults.py (replay)"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    commands = tuple(c for c in args.commands.split(",") if c)
    if args.quick:
        trials = quick_schedule(args.trials, seed)
    else:
        trials = schedule(args.trials, seed, commands)
    if args.trial:
        trials = [t for t in trials if t.index in args.trial]
    print(
        f"faults: seed {seed}, {len(trials)} trials, cohort {args.n} people, "
        f"formats {args.formats} (replay: --seed {seed} --trial K)",
        flush=True,
    )
    t0 = time.monotonic()
    root = args.keep or Path(tempfile.mkdtemp(prefix="talentcli-faults-"))
    harness = Harness(
        root, n=args.n, formats=tuple(args.formats.split(",")), say=lambda s: print(s, flush=True)
    )
    harness.prepare()
    for command in dict.fromkeys(t.command for t in trials):
        harness.references_for(command)
        print(f"  {command}: uninterrupted {harness.duration(command):.2f} s", flush=True)
    for trial in trials:
        harness.run_trial(trial)
        print(trial.line(), flush=True)
    wall = time.monotonic() - t0
    print()
    print(figures(trials))
    lost = [t for t in trials if t.lost]
    print(f"\nseed {seed}, {len(trials)} trials, {len(lost)} lost, wall time {wall / 60:.1f} min")
    if lost:
        print(f"lost trials' workspaces and outputs are kept under {root}/trials")
    elif args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
