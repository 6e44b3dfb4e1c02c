"""Fault injection for SPEC §7 (issue #19): kill `import`, `classify`, `report` and `run` with
SIGKILL or SIGTERM at a random moment, run `talentcli run` again, and check what is left.

Used by `benchmarks/faults.py` (the slow variant, `make faults`) and `tests/test_faults.py`
(a handful of trials inside `make test`). It drives the CLI as cron does (a child process,
stdin from /dev/null, no terminal, `python -m talentcli`, the workspace as the current folder)
and reads the store with the stdlib's sqlite3 only, generically: every table, every row, no
table name assumed, so it keeps working while the store's schema changes.

The starting states (each trial copies one of them):

* `inbox`: `talentcli init` plus the three files of a synthetic cohort in `inbox/` (no store).
  `import inbox/asesmen-<cycle>.xlsx` and `run` are killed from here.
* `classified`: `inbox` after an uninterrupted `run` (everything imported and archived, run 1,
  reports of run 1). `classify --as-of <RECLASSIFY_AS_OF>` is killed from here.
* `reclassified`: `classified` after that classify (run 2; the reports on disk are still run
  1's). `report` is killed from here.

For each (state, command) the references are computed once, by running uninterrupted on
copies: the store before, the store after the command, and the store and reports after
`command; run` and after `run` alone. A trial then checks:

* the killed process ended with 143 for SIGTERM (no traceback, no "internal error") and -9
  for SIGKILL; a process that had already ended when its moment came is counted as "ended
  first" and must have ended like the uninterrupted command;
* `PRAGMA integrity_check` is ok right after the kill (on a copy of the db and its journal,
  so the recovery run finds the hot journal itself) and after the recovery run;
* a single-transaction command (import of one file, classify, report) left the store whole
  before or whole after: its dump equals one of the two references;
* the recovery `run` exits 0 or 1 and the final store equals the final store of the matching
  uninterrupted path (before-branch: `run`; after-branch: `command; run`; for a killed `run`:
  an uninterrupted `run`);
* the reports come from the latest run: `.talentcli-run` names max(runs.id) of the cycle, the
  json's `as_of` is that run's, the report folder holds the same files as the reference's
  and its json and csv files the same bytes (SPEC §5: they are deterministic);
* no leftover in the workspace (hidden names other than the lock and the run marker, `*.tmp`,
  `*-journal`, `*-wal`, `*-shm`);
* no inbox file lost: every file present at the start in inbox/, archive/ or failed/ is, by
  SHA-256, in one of them afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

COMMANDS = ("import", "classify", "report", "run")
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}
FILES = ("asesmen-{cycle}.xlsx", "kinerja.xlsx", "formasi-{cycle}.xlsx")
RECLASSIFY_AS_OF = "2026-06-30"
KEEP_HIDDEN = {".talentcli.lock", ".talentcli-run"}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# The state each command is killed from: a base state and the commands run on it first.
BASE = {
    "import": ("inbox",),
    "run": ("inbox",),
    "classify": ("inbox", "run"),
    "report": ("inbox", "run", "classify"),
}
TIMEOUT = 600.0  # seconds: no command of a trial may take longer (a hang is a loss)


@dataclass
class Outcome:
    rc: int | None
    seconds: float
    stdout: str
    stderr: str


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TALENTCLI_DB"}
    env.pop("FORCE_COLOR", None)
    return env


def start(args: list[str], cwd: Path, logs: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start talentcli as cron does; its output goes to files in LOGS (outside the workspace)."""
    logs.mkdir(parents=True, exist_ok=True)
    out, err = logs / "stdout", logs / "stderr"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(
            [sys.executable, "-m", "talentcli", *args],
            cwd=cwd,
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=o,
            stderr=e,
        )
    return proc, out, err


def talentcli(args: list[str], cwd: Path, logs: Path, timeout: float = TIMEOUT) -> Outcome:
    t0 = time.monotonic()
    proc, out, err = start(args, cwd, logs)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=60)
        rc = None
    seconds = time.monotonic() - t0
    return Outcome(rc, seconds, out.read_text(errors="replace"), err.read_text(errors="replace"))


# -- the store, read generically ------------------------------------------------------------


def _sort_key(row: tuple) -> tuple:
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def store_state(ws: Path, db_name: str = "talent.db") -> tuple[str, dict]:
    """(integrity_check, dump) of WS's store as a new process would see it.

    The db and its journal/WAL are copied to a scratch folder first, so a hot journal is
    rolled back there and the workspace itself is left for the recovery run. The dump holds
    every table of sqlite_master with every row, sorted; columns named `*_at` and columns
    holding a time stamp (`YYYY-MM-DD HH:MM...`) are left out, the workspace's own path in a
    text value is written `<ws>` (each trial runs in its own copy), and a table without rows
    is left out (a store created but still empty holds what an absent one holds)."""
    try:
        return _dump(ws, db_name)
    except sqlite3.DatabaseError as exc:  # not a database any more: a loss, said as one
        return f"unreadable: {exc}", {"<unreadable>": ([], [])}


def _dump(ws: Path, db_name: str) -> tuple[str, dict]:
    with _scratch(ws, db_name) as con:
        if con is None:
            return "ok", {}
        integrity = "; ".join(str(r[0]) for r in con.execute("PRAGMA integrity_check"))
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {}
        for name in sorted(names):
            quoted = '"' + name.replace('"', '""') + '"'
            cur = con.execute(f"SELECT * FROM {quoted}")
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if not rows:
                continue
            keep = [
                i
                for i, c in enumerate(cols)
                if not c.lower().endswith("_at")
                and not any(isinstance(r[i], str) and STAMP.match(r[i]) for r in rows)
            ]
            roots = {str(ws), str(ws.resolve())}

            def norm(v, roots=roots):
                if isinstance(v, str):
                    for root in roots:
                        v = v.replace(root, "<ws>")
                return v

            body = sorted((tuple(norm(r[i]) for i in keep) for r in rows), key=_sort_key)
            tables[name] = ([cols[i] for i in keep], body)
    return integrity, tables


@contextlib.contextmanager
def _scratch(ws: Path, db_name: str = "talent.db") -> Iterator[sqlite3.Connection | None]:
    """A connection to a copy of WS's db with its journal/WAL (None when there is no db)."""
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("", "-journal", "-wal", "-shm"):
            src = ws / (db_name + suffix)
            if src.exists():
                shutil.copyfile(src, Path(tmp) / (db_name + suffix))
        db = Path(tmp) / db_name
        if not db.exists():
            yield None
            return
        con = sqlite3.connect(db)
        try:
            yield con
        finally:
            con.close()


def latest_run(ws: Path, cycle: str) -> tuple[int | None, str | None]:
    """(max(id), as_of) of the cycle's runs, read from the store."""
    with _scratch(ws) as con:
        if con is None:
            return None, None
        (run_id,) = con.execute("SELECT max(id) FROM runs WHERE cycle=?", (cycle,)).fetchone()
        if run_id is None:
            return None, None
        (as_of,) = con.execute("SELECT as_of FROM runs WHERE id=?", (run_id,)).fetchone()
        return run_id, as_of


def diff_dumps(a: dict, b: dict) -> str:
    """Which tables differ between two dumps, and by how many rows (for the loss message)."""
    parts = []
    for name in sorted(set(a) | set(b)):
        ra, rb = a.get(name, ([], []))[1], b.get(name, ([], []))[1]
        if a.get(name) != b.get(name):
            parts.append(f"{name} ({len(ra)} vs {len(rb)} rows)")
    return ", ".join(parts) or "none"


# -- files ------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(ws: Path) -> dict[str, str]:
    """SHA-256 -> relative path of every regular file in inbox/, archive/ and failed/."""
    found = {}
    for folder in ("inbox", "archive", "failed"):
        root = ws / folder
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.is_symlink() and not p.name.endswith(".reason.txt"):
                found.setdefault(sha256(p), str(p.relative_to(ws)))
    return found


def leftovers(ws: Path) -> list[str]:
    """Temporary files or folders anywhere in the workspace."""
    found = []
    for p in sorted(ws.rglob("*")):
        name = p.name
        if (
            (name.startswith(".") and name not in KEEP_HIDDEN)
            or name.endswith((".tmp", "-journal", "-wal", "-shm"))
            or ".xlsx-" in name
            or ".html-" in name
        ):
            found.append(str(p.relative_to(ws)))
    return found


def report_files(out: Path) -> dict[str, str | None]:
    """Relative path -> SHA-256 for the deterministic reports (json, csv), None for others."""
    if not out.is_dir():
        return {}
    return {
        str(p.relative_to(out)): sha256(p) if p.suffix in (".json", ".csv") else None
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in KEEP_HIDDEN
    }


# -- the harness ------------------------------------------------------------------------------


@dataclass
class Reference:
    """A state reached by running commands uninterrupted from a base state."""

    ws: Path
    dump: dict
    seconds: float  # the last command's wall time
    rc: int | None


@dataclass
class Trial:
    index: int
    command: str
    signal: str
    fraction: float  # of the command's uninterrupted duration
    delay: float = 0.0
    rc: int | None = None
    ended_first: bool = False
    branch: str = ""
    problems: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # which checks failed

    def lose(self, kind: str, problem: str) -> None:
        self.kinds.add(kind)
        self.problems.append(problem)

    @property
    def lost(self) -> bool:
        return bool(self.problems)

    def line(self) -> str:
        what = "ended first" if self.ended_first else f"rc {self.rc}"
        verdict = "LOST: " + "; ".join(self.problems) if self.problems else "survived"
        branch = f", store {self.branch}" if self.branch else ""
        return (
            f"trial {self.index:3d} {self.command:8s} {self.signal:7s} at {self.fraction:.3f} "
            f"({self.delay:5.2f} s): {what}{branch}: {verdict}"
        )


def schedule(n: int, seed: int, commands=COMMANDS) -> list[Trial]:
    """N trials spread evenly over commands x signals (whole rounds first, then at random),
    in a shuffled order, each with a kill moment uniform in [0, 1.1) of the duration."""
    rng = random.Random(seed)
    combos = [(c, s) for c in commands for s in SIGNALS]
    picks = combos * (n // len(combos)) + rng.sample(combos, n % len(combos))
    rng.shuffle(picks)
    return [Trial(i + 1, c, s, rng.uniform(0.0, 1.1)) for i, (c, s) in enumerate(picks)]


def quick_schedule(n: int, seed: int) -> list[Trial]:
    """N >= 4 trials for `make test`: every command once with a random signal, the rest at
    random, each with a kill moment uniform in [0, 1.1) of the duration."""
    rng = random.Random(seed)
    picks = [(c, rng.choice(list(SIGNALS))) for c in COMMANDS]
    picks += [(rng.choice(COMMANDS), rng.choice(list(SIGNALS))) for _ in range(n - len(picks))]
    return [Trial(i + 1, c, s, rng.uniform(0.0, 1.1)) for i, (c, s) in enumerate(picks)]


class Harness:
    """Prepares the base states and their references in ROOT, then runs trials."""

    def __init__(
        self,
        root: Path,
        n: int = 3000,
        formats: tuple[str, ...] = ("xlsx", "html", "csv", "json", "md"),
        cycle: str = "2026",
        say: Callable[[str], None] = print,
    ) -> None:
        self.root, self.n, self.formats, self.cycle, self.say = root, n, formats, cycle, say
        self.files = [f.format(cycle=cycle) for f in FILES]
        self.refs: dict[tuple[str, ...], Reference] = {}
        self._count = 0

    # states and references

    def _logs(self, label: str) -> Path:
        self._count += 1
        return self.root / "logs" / f"{self._count:04d}-{label}"

    def prepare(self) -> None:
        """The cohort and the base state `inbox` (init, formats, the three files)."""
        self.root.mkdir(parents=True, exist_ok=True)
        cohort = self.root / "cohort"
        done = talentcli(
            ["sample", "--n", str(self.n), "--seed", "5", "--cycle", self.cycle, "--out",
             str(cohort)],
            cwd=self.root, logs=self._logs("sample"),
        )  # fmt: skip
        assert done.rc == 0, f"sample failed: {done.stderr}"
        ws = self.root / "states" / "inbox"
        ws.parent.mkdir(parents=True, exist_ok=True)
        done = talentcli(
            ["init", str(ws), "--cycle", self.cycle], cwd=self.root, logs=self._logs("init")
        )
        assert done.rc == 0, f"init failed: {done.stderr}"
        cfg = ws / "talent.yaml"
        text, count = re.subn(
            r"(?m)^formats: \[[^\]]*\]", f"formats: [{', '.join(self.formats)}]", cfg.read_text()
        )
        assert count == 1, "talent.yaml has no `formats: [...]` line to set"
        cfg.write_text(text)
        for name in self.files:
            shutil.copyfile(cohort / name, ws / "inbox" / name)
        self.refs[("inbox",)] = Reference(ws, store_state(ws)[1], 0.0, 0)

    def args(self, command: str) -> list[str]:
        if command == "import":
            return ["import", f"inbox/{self.files[0]}"]
        if command == "classify":
            return ["classify", "--cycle", self.cycle, "--as-of", RECLASSIFY_AS_OF]
        if command == "report":
            return ["report", "--cycle", self.cycle, "--format", ",".join(self.formats)]
        return ["run"]

    def reference(self, path: tuple[str, ...]) -> Reference:
        """The state after running PATH[1:] uninterrupted from the base state PATH[0]."""
        if path in self.refs:
            return self.refs[path]
        parent = self.reference(path[:-1])
        ws = self.root / "states" / "-".join(path)
        shutil.rmtree(ws, ignore_errors=True)
        shutil.copytree(parent.ws, ws, symlinks=True)
        command = path[-1]
        done = talentcli(self.args(command), cwd=ws, logs=self._logs("ref-" + command))
        integrity, dump = store_state(ws)
        if done.rc not in (0, 1) or integrity != "ok":
            raise RuntimeError(
                f"uninterrupted {' '.join(path)} failed: rc {done.rc}, integrity {integrity}: "
                f"{done.stderr.strip()[-500:]}"
            )
        self.say(f"  reference {' -> '.join(path)}: rc {done.rc}, {done.seconds:.2f} s")
        ref = Reference(ws, dump, done.seconds, done.rc)
        self.refs[path] = ref
        return ref

    def references_for(self, command: str) -> None:
        base = BASE[command]
        self.reference((*base, command))
        self.reference((*base, command, "run"))
        self.reference((*base, "run"))

    def duration(self, command: str) -> float:
        return self.reference((*BASE[command], command)).seconds

    # one trial

    def run_trial(self, trial: Trial) -> Trial:
        command, sig = trial.command, SIGNALS[trial.signal]
        base = BASE[command]
        self.references_for(command)
        before = self.reference(base)
        after = self.reference((*base, command))
        ws = self.root / "trials" / f"{trial.index:03d}" / "ws"
        shutil.rmtree(ws.parent, ignore_errors=True)
        ws.parent.mkdir(parents=True)
        shutil.copytree(before.ws, ws, symlinks=True)
        inputs = input_hashes(ws)
        trial.delay = trial.fraction * after.seconds
        lose = trial.lose

        proc, _, err_path = start(self.args(command), ws, ws.parent / "killed")
        unhandled = False
        try:
            proc.wait(timeout=trial.delay)
            trial.ended_first = True
        except subprocess.TimeoutExpired:
            if _state(proc.pid) == "Z":  # ended, not yet reaped: the signal would do nothing
                trial.ended_first = True
            else:
                unhandled = not catches_sigterm(proc.pid)  # talentcli's first line not yet run
                proc.send_signal(sig)
        try:
            trial.rc = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            trial.rc = proc.wait(timeout=60)
            lose("hang", f"did not end within {TIMEOUT:.0f} s of the signal")
        err = err_path.read_text(errors="replace")
        late = False
        if trial.ended_first:
            if trial.rc != after.rc:
                lose("exit", f"ended by itself with {trial.rc}, uninterrupted {after.rc}")
        elif sig == signal.SIGTERM and trial.rc == -signal.SIGTERM and unhandled:
            trial.ended_first = True  # the interpreter itself was still starting: no code of
            # talentcli ran yet to turn the signal into 143 (and nothing was done)
        elif sig == signal.SIGTERM and trial.rc == -signal.SIGTERM:
            lose("sigterm-default", "SIGTERM killed it before talentcli handled it: -15, not 143")
        elif sig == signal.SIGTERM and trial.rc in (0, 1):
            late = True  # decided below: the work was done, or the signal was ignored
        elif sig == signal.SIGTERM and trial.rc != 143:
            lose("exit", f"SIGTERM gave exit {trial.rc}, not 143: {_tail(err)}")
        elif sig == signal.SIGKILL and trial.rc != -signal.SIGKILL:
            lose("exit", f"SIGKILL gave exit {trial.rc}, not -9")
        if "Traceback" in err or "internal error" in err:
            lose("traceback", f"the killed {command} printed: {_tail(err)}")

        # right after the kill: whole before or whole after
        integrity, killed = store_state(ws)
        if late and trial.rc == after.rc and killed == after.dump:
            trial.ended_first = True  # it came as the process was leaving, its work done
        elif late:
            lose("sigterm-ignored", f"SIGTERM ignored: it ran on and exited {trial.rc}, not 143")
        if integrity != "ok":
            lose("integrity", f"integrity_check after the kill: {integrity[:200]}")
        if command == "run":
            final_ref = self.reference((*base, "run"))
            trial.branch = ""
        elif killed == after.dump:
            final_ref = self.reference((*base, command, "run"))
            trial.branch = "after" if after.dump != before.dump else "unchanged"
        elif killed == before.dump:
            final_ref = self.reference((*base, "run"))
            trial.branch = "before"
        else:
            final_ref = None
            lose(
                "store",
                "store neither whole before nor whole after the command: differs from before "
                f"in {diff_dumps(before.dump, killed)}, from after in "
                f"{diff_dumps(after.dump, killed)}",
            )

        # the recovery run, as the next cron run
        done = talentcli(["run"], cwd=ws, logs=ws.parent / "recovery")
        if done.rc not in (0, 1):
            lose("recovery", f"recovery run exit {done.rc}: {_tail(done.stderr)}")
        integrity, final = store_state(ws)
        if integrity != "ok":
            lose("integrity", f"integrity_check after the recovery run: {integrity[:200]}")
        if final_ref is not None and final != final_ref.dump:
            lose(
                "final",
                "store after the recovery run differs from the uninterrupted path's in "
                + diff_dumps(final_ref.dump, final),
            )
        for problem in self.check_reports(ws, final_ref):
            lose("reports", problem)
        rest = leftovers(ws)
        if rest:
            lose(
                "leftover", f"left over: {', '.join(rest[:5])}" + (" ..." if len(rest) > 5 else "")
            )
        now = input_hashes(ws)
        missing = [path for digest, path in inputs.items() if digest not in now]
        if missing:
            lose("input", f"input files lost: {', '.join(missing)}")
        if not trial.lost:
            shutil.rmtree(ws.parent, ignore_errors=True)  # keep only the lost trials' folders
        return trial

    def check_reports(self, ws: Path, ref: Reference | None) -> list[str]:
        problems = []
        out = ws / "laporan"
        marker = out / ".talentcli-run"
        try:
            run_id, as_of = latest_run(ws, self.cycle)
        except sqlite3.Error as exc:
            return [f"cannot read the runs: {exc}"]
        try:
            mark = json.loads(marker.read_text())
        except (OSError, ValueError) as exc:
            return [f"no readable {marker.relative_to(ws)}: {type(exc).__name__}"]
        if mark.get("run") != run_id or str(mark.get("cycle")) != self.cycle:
            problems.append(f"reports of run {mark.get('run')}, latest run is {run_id}")
        doc_path = out / f"talenta-{self.cycle}.json"
        if "json" in self.formats:
            try:
                doc_as_of = json.loads(doc_path.read_text()).get("as_of")
            except (OSError, ValueError) as exc:
                doc_as_of = f"unreadable ({type(exc).__name__})"
            if doc_as_of != as_of:
                problems.append(f"{doc_path.name} as_of {doc_as_of}, latest run's {as_of}")
        if ref is not None:
            mine, theirs = report_files(out), report_files(ref.ws / "laporan")
            if set(mine) != set(theirs):
                extra, gone = sorted(set(mine) - set(theirs)), sorted(set(theirs) - set(mine))
                problems.append(f"report files: {len(gone)} missing {gone[:3]}, extra {extra[:3]}")
            changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
            if changed:
                problems.append(f"reports differ from the uninterrupted path's: {changed[:3]}")
        return problems


def catches_sigterm(pid: int) -> bool:
    """The process has a SIGTERM handler (/proc's SigCgt mask): talentcli.entry has run its
    first line. Before that the interpreter itself is starting and nothing of talentcli ran,
    so a SIGTERM ends it with the default action, whatever the code does."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    except (OSError, ValueError):
        pass
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "(nothing on stderr)")[:200]


def figures(trials: list[Trial]) -> str:
    """The table: tried / survived / lost (and ended first) per command and signal."""
    rows = [
        "| command | signal | tried | survived | lost | ended first |",
        "|---|---|---|---|---|---|",
    ]
    total = [0, 0, 0, 0]
    for command in COMMANDS:
        for sig in SIGNALS:
            mine = [t for t in trials if t.command == command and t.signal == sig]
            if not mine:
                continue
            counts = [
                len(mine),
                sum(not t.lost for t in mine),
                sum(t.lost for t in mine),
                sum(t.ended_first for t in mine),
            ]
            total = [a + b for a, b in zip(total, counts, strict=True)]
            rows.append(f"| {command} | {sig} | " + " | ".join(map(str, counts)) + " |")
    rows.append("| **all** | | " + " | ".join(f"**{c}**" for c in total) + " |")
    return "\n".join(rows)
