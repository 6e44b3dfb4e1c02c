"""talentcli benchmarks: each stage against its floor, measured in the same run.

Run with `make bench` (never part of `make test`). Prints a table and writes
benchmarks/results.json. Sizes: BENCH_SIZES=800,10000,100000,1000000 (default all).
Every stage runs as a whole process (median of BENCH_REPEAT runs; a run over 8 s is not
repeated, and from 100k people every stage runs once) with its peak RSS, and in-process: the
stage's own functions timed inside one warm interpreter (imports done), which is the work
without start-up. Import and --help alternate with their floor (BENCH_IMPORT_PAIRS pairs up
to 100k people, 11 for --help) and their ratio is the median of the per-pair ratios: this
shared machine's speed drifts by +-20%.

Floors:
* import   python-calamine alone reading the same file (whole process, same interpreter);
           for the 1M CSV, pandas.read_csv of the same file;
* classify the interpreter start-up of `talentcli --version` (classify work = time - that);
           the work includes storing the run's results, plans and candidates as rows, and
           the note gives the store's size after it;
* report   bare xlsxwriter (constant_memory) writing the same cells as talentcli's workbook
           (read back from it first, not timed); talentcli's time is its process minus start-up;
* --help   a bare Typer app with the same commands and no imports of its own.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
BIN = Path(sys.executable).parent
TALENTCLI = str(BIN / "talentcli")
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
BIG = 100_000  # from this size each stage runs once, to keep `make bench` under 10 minutes
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "800,10000,100000,1000000").split(",")]
CSV_FROM = 1_000_000  # past the xlsx row limit the sample is CSV
IMPORT_PAIRS = int(os.environ.get("BENCH_IMPORT_PAIRS", "5"))  # import vs floor, up to 100k
LONG = 8.0  # seconds: a run this long is not repeated (keeps a fresh clone's bench < 10 min)

CALAMINE = """
import sys, python_calamine as pc
wb = pc.CalamineWorkbook.from_path(sys.argv[1])
for name in wb.sheet_names:
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""
CSV_FLOOR = """
import sys, pandas as pd
pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, header=None)
"""
XLSX_FLOOR = """
import sys, time, datetime, python_calamine as pc, xlsxwriter
wb = pc.CalamineWorkbook.from_path(sys.argv[1])
sheets = [(n, wb.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in wb.sheet_names]
start = time.perf_counter()
out = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True})
for name, rows in sheets:
    ws = out.add_worksheet(name)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v == "":
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, c, datetime.datetime(v.year, v.month, v.day))
            else:
                ws.write_number(r, c, float(v))
out.close()
print(time.perf_counter() - start)
"""
INPROC = """
import datetime as dt, json, os, shutil, sys, time
from pathlib import Path
stage, folder, repeat, arg = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
LONG = float(sys.argv[5])
os.chdir(folder)
from talentcli.ingest import ImportOptions, import_file
from talentcli.pipeline import classify_cycle, load_run
from talentcli.report import write_reports
from talentcli.rules import load_rules
from talentcli.store import Store
from talentcli.workspace import find_workspace
ws = find_workspace()
loaded = load_rules(ws.rules)
times = []
for _ in range(repeat):
    if stage == "import":
        ws.db.unlink(missing_ok=True)
        shutil.rmtree(folder / "rejects", ignore_errors=True)
        store = Store(ws.db)
        opts = ImportOptions("auto", None, None, ws.cycle, ws.limits, folder / "rejects")
        start = time.perf_counter()
        import_file(Path(arg), store, loaded.rules, opts)
    elif stage == "classify":
        store = Store(ws.db, create=False)
        start = time.perf_counter()
        classify_cycle(store, loaded, "2026", dt.date(2026, 1, 1))
    else:
        store = Store(ws.db, create=False)
        start = time.perf_counter()
        write_reports(load_run(store, "2026"), folder / "laporan-inproc", arg.split(","))
    times.append(time.perf_counter() - start)
    store.close()
    if times[-1] > LONG:
        break
print(json.dumps(sorted(times)[len(times) // 2]))
"""
BARE_TYPER = """
import typer
app = typer.Typer(add_completion=False, rich_markup_mode=None)
for name in ("init", "import", "classify", "report", "run", "explain", "sample"):
    app.command(name)(lambda: None)
rules = typer.Typer()
rules.command("check")(lambda: None)
app.add_typer(rules, name="rules")
app()
"""


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def median(cmd_factory, repeat: int | None = None, before=None) -> tuple[float, float]:
    """Median wall time and max peak RSS over repeated runs; BEFORE() resets state each time.
    A run longer than LONG seconds is not repeated (its noise is small against its length)."""
    repeat = repeat or CURRENT_REPEAT[0]
    times, peaks = [], []
    for _ in range(repeat):
        if before:
            before()
        t, m = run(*cmd_factory())
        times.append(t)
        peaks.append(m)
        if t > LONG:
            break
    return statistics.median(times), max(peaks)


def paired(floor_args: tuple, args: tuple, repeat: int, before=None) -> tuple[float, ...]:
    """A stage and its floor run alternately REPEAT times: (floor median, stage median, peak
    MB, median of the per-pair ratios). This machine's speed drifts by +-20% from minute to
    minute; a ratio taken within each pair cancels the drift that a ratio of two separately
    taken medians keeps."""
    floors, times, peaks, ratios = [], [], [], []
    for _ in range(repeat):
        f, _ = run(*floor_args)
        if before:
            before()
        t, m = run(*args)
        floors.append(f)
        times.append(t)
        peaks.append(m)
        ratios.append(t / f)
    med = statistics.median
    return med(floors), med(times), max(peaks), med(ratios)


def inproc(stage: str, folder: Path, arg: str) -> float:
    """Median seconds of one stage's functions inside one warm interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", INPROC, stage, str(folder), str(CURRENT_REPEAT[0]), arg, str(LONG)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def ensure_sample(n: int) -> Path:
    folder = WORK / f"n{n}"
    marker = folder / ".done"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        args = [
            TALENTCLI,
            "sample",
            "--n",
            str(n),
            "--seed",
            "1",
            "--cycle",
            "2026",
            "--out",
            str(folder),
        ]
        if n >= CSV_FROM:
            args.append("--csv")
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        (folder / "talent.yaml").write_text("limits: {max_file_mb: 2000, max_unzipped_mb: 8000}\n")
        marker.touch()
    return folder


def fresh_db(folder: Path):
    def reset() -> None:
        for p in (folder / "talent.db", folder / "talent.db-journal"):
            p.unlink(missing_ok=True)
        shutil.rmtree(folder / "rejects", ignore_errors=True)

    return reset


CURRENT_REPEAT = [REPEAT]


def bench_size(n: int) -> list[dict]:
    CURRENT_REPEAT[0] = 1 if n >= BIG else REPEAT
    folder = ensure_sample(n)
    ext = "csv" if n >= CSV_FROM else "xlsx"
    asesmen = folder / f"asesmen-2026.{ext}"
    kinerja = folder / f"kinerja.{ext}"
    if not kinerja.exists():  # past ~500k people kinerja (2 rows a person) is CSV already
        kinerja = folder / "kinerja.csv"
    rows = []
    floor_code = CSV_FLOOR if ext == "csv" else CALAMINE
    floor, t, mb, ratio = paired(
        ([sys.executable, "-c", floor_code, str(asesmen)],),
        ([TALENTCLI, "-q", "import", str(asesmen)], folder),
        IMPORT_PAIRS if n <= BIG else 1,
        before=fresh_db(folder),
    )
    rows.append(
        row(
            "import asesmen",
            n,
            t,
            floor,
            mb,
            "calamine read" if ext == "xlsx" else "pandas read_csv",
            inproc("import", folder, str(asesmen)),
            ratio,
        )
    )
    fresh_db(folder)()
    formasi = folder / f"formasi-2026.{ext}"
    t_all, mb_all = run(
        [TALENTCLI, "-q", "import", str(asesmen), str(kinerja), str(formasi)], folder
    )
    rows.append(row("import all 3 files", n, t_all, None, mb_all, "asesmen, kinerja, formasi"))
    start, _ = median(lambda: ([TALENTCLI, "--version"],), repeat=REPEAT)
    classify = [TALENTCLI, "-q", "classify", "--as-of", "2026-01-01"]
    t, mb = median(lambda: (classify, folder), repeat=REPEAT if n <= BIG else 1)
    work = inproc("classify", folder, "")
    size = (folder / "talent.db").stat().st_size / 1e6  # the store with the run's rows
    note = f"start-up {start:.2f}s excluded; store {size:.0f} MB"
    rows.append(row("classify (work)", n, t - start, None, mb, note, work))
    out = folder / "laporan"
    if ext == "xlsx":
        t, mb = median(
            lambda: ([TALENTCLI, "-q", "report", "--format", "xlsx", "--out", str(out)], folder)
        )
        book = out / "talenta-2026.xlsx"
        floors: list[float] = []
        while len(floors) < CURRENT_REPEAT[0] and not (floors and floors[-1] > LONG):
            floors.append(
                float(
                    subprocess.run(
                        [sys.executable, "-c", XLSX_FLOOR, str(book), str(folder / "floor.xlsx")],
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
            )
        floor = statistics.median(floors)
        work = inproc("report", folder, "xlsx") if n < BIG else None  # = process - start-up
        rows.append(
            row("report xlsx (work)", n, t - start, floor, mb, "bare xlsxwriter, same cells", work)
        )
    else:
        t, mb = median(
            lambda: ([TALENTCLI, "-q", "report", "--format", "json,csv", "--out", str(out)], folder)
        )
        rows.append(row("report json+csv", n, t, None, mb, "-"))  # 1M: no in-process copy
        steps = rows[-3:]  # import all, classify (work), report
        total = sum(r["seconds"] for r in steps) + start
        peak = max(r["peak_mb"] for r in steps)
        rows.append(row("pipeline total", n, total, None, peak, "target: < 60 s, < 2048 MB"))
    return rows


def row(
    stage: str,
    n: int,
    t: float,
    floor: float | None,
    mb: float,
    note: str,
    work: float | None = None,
    ratio: float | None = None,
) -> dict:
    if ratio is None and floor:
        ratio = t / floor
    return {
        "stage": stage,
        "people": n,
        "seconds": round(t, 3),
        "in_process_seconds": round(work, 3) if work is not None else None,
        "floor_seconds": round(floor, 3) if floor else None,
        "ratio": round(ratio, 2) if ratio else None,
        "peak_mb": round(mb, 1),
        "floor": note,
    }


def bench_help() -> dict:
    bare, t, mb, ratio = paired(
        ([sys.executable, "-c", BARE_TYPER, "--help"],), ([TALENTCLI, "--help"],), 11
    )
    return row("--help", 0, t, bare, mb, "bare Typer app --help", ratio=ratio)


def save(results: list[dict]) -> None:
    """Write benchmarks/results.json (after every size, so a long run keeps what it has)."""
    machine = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "date": time.strftime("%Y-%m-%d"),
    }
    text = json.dumps({"machine": machine, "results": results}, indent=2) + "\n"
    (HERE / "results.json").write_text(text)


def compile_bytecode() -> None:
    """Compile talentcli's modules as `pip install` does for an installed package.

    An editable install has no bytecode, and where PYTHONDONTWRITEBYTECODE is set (this
    machine sets it) every process would compile talentcli's modules again: ~0.2 s that no
    installed copy pays. Python still recompiles a module whose source is newer.
    """
    import compileall

    import talentcli

    compileall.compile_dir(Path(talentcli.__file__).parent, quiet=1)


def main() -> None:
    WORK.mkdir(exist_ok=True)
    compile_bytecode()
    results = [bench_help()]
    for n in SIZES:
        results += bench_size(n)
        save(results)
        print(f"... {n} people done", file=sys.stderr)
    print(
        f"{'stage':20} {'people':>9} {'seconds':>8} {'in-proc':>8} {'floor':>7} {'ratio':>6} "
        f"{'peak MB':>8}  floor"
    )
    for r in results:
        floor = f"{r['floor_seconds']:.2f}" if r["floor_seconds"] else "-"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] else "-"
        work = r["in_process_seconds"]
        work = f"{work:.2f}" if work is not None else "-"
        print(
            f"{r['stage']:20} {r['people']:>9} {r['seconds']:>8.2f} {work:>8} {floor:>7} "
            f"{ratio:>6} {r['peak_mb']:>8.0f}  {r['floor']}"
        )


if __name__ == "__main__":
    main()
