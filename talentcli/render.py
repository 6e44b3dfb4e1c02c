"""Terminal rendering: the 9-box grid of a run and one person's explanation. No logic."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pandas as pd

from talentcli.model import RunData, RunSummary
from talentcli.report.labels import box_grid, long_dates, number, rejected_where, rupiah
from talentcli.rules import PERFORMANCE_LEVELS, Rules

if TYPE_CHECKING:
    from talentcli.app import InboxOutcome
    from talentcli.ingest import FileReport
    from talentcli.report.labels import Labels


@contextlib.contextmanager
def busy(message: str) -> Iterator[None]:
    """A transient rich spinner on a terminal; nothing at all under cron (no TTY, no ANSI)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@contextlib.contextmanager
def meter() -> Iterator[None]:
    """Rich progress bars (what, bar, done/total with Indonesian separators, time left) for
    the work inside, on a terminal only; under cron nothing (the log has the lines). Rich
    leaves colour out by itself with NO_COLOR."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from talentcli.progress import listening

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, object] = {}

        def show(what: str, done: int, total: int, unit: str = "") -> None:
            count = f"{number(done)}/{number(total)} {unit}".rstrip()
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total, count=count)
            bar.update(tasks[what], completed=done, total=total, count=count)  # type: ignore[arg-type]

        with listening(show):
            yield


Echo = Callable[..., None]


def show_import(r: FileReport, echo: Echo, verbose: bool = False) -> None:
    """One imported file: where its header is, the counts that add up, the problems."""
    if r.status == "failed":
        echo(f"error: {r.file}: {r.error['message']} ({r.error['code']})", err=True)
        return
    where = f"{r.kind}, cycle {r.cycle}, " if r.cycle else f"{r.kind}, "
    echo(f"{r.file}: {where}sheet '{r.sheet}', header row {r.header_row}")
    if r.status == "already-imported":
        echo(f"  already imported (same SHA-256): nothing stored; {r.notes[0]}")
        return
    echo(
        f"  {number(r.rows_read)} rows read = {number(r.accepted)} accepted + "
        f"{number(r.rejected)} rejected + {number(r.skipped)} skipped"
    )
    shown = r.errors if verbose else r.errors[:20]
    for e in shown:
        tag = "" if e["severity"] == "error" else " (warning)"
        echo(f"  {e['cell']}: {e['message']} ({e['code']}){tag}")
    if len(shown) < len(r.errors):
        echo(f"  ... and {len(r.errors) - len(shown)} more (all in the rejects file; -v shows all)")
    if r.rejects:
        echo(f"  rejected rows with reasons: {r.rejects[0]} (and .csv)")
    for note in r.notes:
        echo(f"  note: {note}")


def show_run(done: InboxOutcome, echo: Echo, verbose: bool = False, quiet: bool = False) -> None:
    """What a cron run did: each file, where it went, the grid, the reports, the summary line."""
    for r in done.reports:
        show_import(r, echo, verbose)
    for name, dest in done.moved:
        echo(f"moved {name} -> {dest}")
    if done.summary is not None and done.rules is not None:
        show_summary(done.summary, done.rules, quiet=quiet)
    for path in done.written or []:
        echo(f"wrote {path}")
    echo(done.line)


def grid_rows(counts: dict[int, int], rules: Rules) -> list[list[str]]:
    """The 9-box as rows (potential high to low) x columns (performance low to high)."""
    return [
        [level.name, *(f"[{b}] {number(counts.get(b, 0))}" for b in boxes)]
        for level, boxes in box_grid(rules)
    ]


def show_summary(summary: RunSummary, rules: Rules, quiet: bool = False) -> None:
    """Print the 9-box grid of counts and the incomplete count (rich table on a terminal)."""
    from talentcli.report.labels import Labels

    lab = Labels(rules)
    perf = {lv.code: lv.name for lv in rules.performance.levels}
    header = [
        f"{lab.header('potential')} \\ {lab.header('performance')}",
        *(perf[p] for p in PERFORMANCE_LEVELS),
    ]
    rows = grid_rows(summary.boxes, rules)
    from talentcli.report.labels import long_date

    head = lab.say(
        "summary",
        run=summary.run_id,
        cycle=summary.cycle,
        as_of=long_date(summary.as_of),
        people=number(summary.people),
        classified=number(summary.classified),
        incomplete=number(len(summary.incomplete)),
    )
    if not quiet:
        print(head)
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(*header, title=lab.say("grid"))
            for r in rows:
                table.add_row(*r)
            Console().print(table)
        else:
            print(_plain_table([header, *rows]))
    if not quiet and summary.calibrations is not None and len(summary.calibrations):
        print(_calibration_summary(summary.calibrations))
    sys.stdout.flush()
    reasons = summary.incomplete["reason"].value_counts() if len(summary.incomplete) else {}
    for reason, n in dict(reasons).items():
        why, sheet = lab.value(reason, "reason"), lab.sheet("tidak_lengkap")
        print(lab.say("incomplete", n=number(n), why=why, sheet=sheet), file=sys.stderr)


def show_history(nip: str, rows: list[dict], rules: Rules) -> None:
    """One person's row per cycle (SPEC §4.10), in labels: a rich table on a terminal,
    plain aligned text otherwise."""
    from talentcli.report.labels import HEADERS, Labels, long_date

    lab = Labels(rules, "id")  # the reports' words; codes stay in --json

    short = {"cycle": "Siklus", "as_of": "Per", "jpm": "JPM", "box_computed": "Kotak hitung"}
    short |= {"box": "Kotak akhir", "plan_jp": "JP"}  # a terminal is narrow

    def label(key: str) -> str:
        return short.get(key) or HEADERS[key][0]

    keys = ["cycle", "as_of", "jpm", "potential", "performance", "box_computed", "box"]
    keys += ["placement", "plan_jp"]
    header = [label(k) for k in keys]

    def cells(r: dict) -> list[str]:
        if r.get("incomplete"):  # no values that cycle: why, where the placement goes
            why = lab.say("incomplete_in_cycle", reason=lab.value(r["incomplete"], "reason"))
            return [str(r["cycle"]), long_date(r["as_of"]), *["—"] * 5, why, "—"]
        return [
            str(r["cycle"]),
            long_date(r["as_of"]),
            f"{r['jpm']:.2f}".replace(".", ","),
            str(lab.value(r["potential"], "potential")),
            str(lab.value(r["performance"], "performance")),
            str(r["box_computed"]),
            str(r["box"]),
            str(lab.value(r["placement"], "placement")),
            number(r["plan_jp"] or 0),
        ]

    body = [cells(r) for r in rows]
    print(lab.say("cycles", nip=nip, n=len(rows)))
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=lab.say("history"))
        for key, head in zip(keys, header, strict=True):  # numbers keep their width
            numeric = key in ("cycle", "jpm", "box_computed", "box", "plan_jp")
            right = numeric and key != "cycle"
            table.add_column(
                head.replace(" ", "\n"), no_wrap=numeric, justify="right" if right else "left"
            )
        for r in body:
            table.add_row(*r)
        Console().print(table)
    else:
        print(_plain_table([header, *body]))


def _calibration_summary(c: pd.DataFrame) -> str:
    """'kalibrasi: 5 keputusan, 4 diterapkan (2 naik, 1 turun, 1 dikonfirmasi), 1 tidak
    diterapkan (data tidak lengkap)': the committee's decisions in the run."""
    import numpy as np

    from talentcli.report.lists import decision_counts

    applied = c["applied"].to_numpy(dtype=bool)
    up, down, same = decision_counts(c)
    left = int((~applied).sum())
    line = (
        f"kalibrasi: {number(len(c))} keputusan, {number(int(np.sum(applied)))} diterapkan "
        f"({up} naik, {down} turun, {same} dikonfirmasi)"
    )
    return line + (f", {left} tidak diterapkan (data tidak lengkap)" if left else "")


def _plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(line.rstrip() for line in lines)


def explain_person(
    data: RunData,
    nip: str,
    ratings: pd.DataFrame,
    rejected: list[dict] | None = None,
    eligibility: list | None = None,
) -> str:
    """Every number of one person and the rule (file and key) that produced it, in the
    reports' words (codes stay in --json and the reports' data). REJECTED: the person's rows
    rejected at import (store.rejected_rows), for the kinerja_tahun_ditolak note."""
    from talentcli.errors import NotFoundError
    from talentcli.report.labels import Labels, long_date

    key = "".join(ch for ch in nip if ch.isdigit())
    rules, run = data.rules, data.run
    lab = Labels(rules, "id")
    row = data.people[data.people["nip"] == key]
    if row.empty:
        inc = data.incomplete[data.incomplete["nip"] == key]
        if not inc.empty:
            why = inc.iloc[0]["reason"]
            line = lab.say("not_classified", nip=key, run=run["id"], why=lab.value(why))
            return "\n".join([line, *_calibration(data, key, None, lab)])
        raise NotFoundError(
            f"NIP {nip} is not in run {run['id']} (cycle {run['cycle']}); "
            "check the number or import the person's assessment"
        )
    p = row.iloc[0]
    src = run["rules_name"]
    place = [p[f] for f in ("jabatan", "unit") if isinstance(p[f], str) and p[f]]  # if given
    level = f"{lab.value(p['job_level'], 'job_level')} ({src}: job_levels.{p['job_level']})"
    lines = [
        f"{p['nip']}  {p['nama']}",
        "  " + " — ".join([*place, level]),
        "  "
        + lab.say(
            "run",
            run=run["id"],
            cycle=run["cycle"],
            as_of=long_date(run["as_of"]),
            rules=src,
            sha=run["rules_sha256"][:12],
        ),
        "",
    ]
    lines += _competencies(p, rules, src, lab)
    lines += _axes(p, rules, src, ratings, int(run["cycle"]), lab)
    lines += _calibration(data, key, p, lab)
    lines += _rejected_years(p, rejected or [], int(run["cycle"]), lab)
    lines += _plan(data, key, lab)
    lines += _eligibility(eligibility or [], src, lab)
    return "\n".join(lines)


def _eligibility(levels: list, src: str, lab: Labels) -> list[str]:
    """For each level the person could move to: the verdict and every criterion (SPEC §4.7)."""
    out = []
    for level, verdict, rows in levels:
        out += [
            "",
            f"  Syarat {lab.value(level, 'job_level')} ({src}: job_levels.{level}.eligibility): "
            f"{lab.value(verdict, 'verdict')}",
        ]
        width = max([0, *(len(lab.header(c)) for c, _, _ in rows)])
        for c, result, detail in rows:
            word = lab.value(result if result != "fail" else f"fail: {detail}", c)
            shown = long_dates(detail, lab.lang) if result != "fail" else ""  # as reports say
            out.append(f"    {lab.header(c):{width}}  {word}" + (f" ({shown})" if shown else ""))
    return out


def _competencies(p: pd.Series, rules: Rules, src: str, lab: Labels) -> list[str]:
    st = rules.status
    h = {k: lab.header(k) for k in ("competency", "score", "standard", "delta", "status")}
    width = max(len(h["competency"]), *(len(c.name) for c in rules.competencies))
    rule = lab.say(
        "status_rule", strength=_dec(st.strength_min, "g"), berat=_dec(st.berat_max, "g")
    )
    out = [
        f"  {h['competency']:{width}}  {h['score']:>5}  {h['standard']:>8}  {h['delta']:>7}  "
        f"{h['status']}   ({src}: status: {rule})"
    ]
    total_s = total_std = 0.0
    for c in rules.competencies:
        s, std = p[f"score_{c.code}"], p[f"standard_{c.code}"]
        total_s, total_std = total_s + s, total_std + std
        sev = p[f"severity_{c.code}"]
        status = lab.value(p[f"status_{c.code}"], "status") + (
            f" ({lab.value(sev)})" if isinstance(sev, str) else ""
        )
        delta = p[f"delta_{c.code}"]
        nums = f"{_dec(s, '5.2f')}  {_dec(std, '8.2f')}  {_dec(delta, '+7.2f')}"
        out.append(f"  {c.name:{width}}  {nums}  {status}")
    jpm = rules.jpm
    raw = 100 * total_s / total_std
    cap = lab.say("capped") if jpm.cap and raw > 100 else ""
    flags = f"jpm.cap={str(jpm.cap).lower()}, jpm.cap_each={str(jpm.cap_each).lower()}"
    out += [
        "",
        f"  JPM = 100 x {_dec(total_s, '.2f')} / {_dec(total_std, '.2f')} = {_dec(raw, '.3f')}"
        f"{cap} -> {_dec(p['jpm'], '.2f')}  ({src}: {flags})",
        f"  Kategori JPM: {lab.value(p['jpm_category'], 'jpm_category')}  "
        f"({src}: jpm.band_sets.{jpm.bands})",
    ]
    return out


def _axes(
    p: pd.Series, rules: Rules, src: str, ratings: pd.DataFrame, cycle: int, lab: Labels
) -> list[str]:
    from talentcli.report.labels import long_date

    source = {"jpm": "JPM", "potensi": lab.header("potential_score")}
    comps = " + ".join(
        f"{_dec(c.weight, 'g')} x {source.get(c.source, c.source)}"
        for c in rules.potential.components
    )
    year = int(p["performance_year"])
    rated = ratings[ratings["tahun"] == year]
    what = rated.iloc[0]["predikat"] or rated.iloc[0]["nilai"] if not rated.empty else "?"
    box = int(p["box"])
    rec = rules.recommendation(box, p["placement"])
    notes = "; ".join(str(lab.value(n, "notes")) for n in p["notes"]) or "—"
    pool = lab.value(bool(p["talent_pool"]), "talent_pool")
    ready = lab.value(p["readiness"], "readiness") if p["readiness"] else "—"
    rule = "retirement" if p["placement"] == rules.retirement.placement else f"nine_box.boxes.{box}"
    return [
        f"  {lab.header('potential')} {_dec(p['potential_score'], '.2f')} = {comps} -> "
        f"{lab.value(p['potential'], 'potential')}  "
        f"({src}: potential.components, potential.levels)",
        f"  {lab.header('performance')}: {lab.value(p['performance'], 'performance')} — "
        f"kinerja {year} ({lab.say('latest_year', cycle=cycle)}) = {_dec(what, 'g')}  "
        f"({src}: performance.predikat / performance.score)",
        f"  {lab.header('box')} {box}{_calibrated(p, lab)}  "
        f"({src}: nine_box.grid.{p['potential']}.{p['performance']})",
        f"  {lab.header('recommendation')}: {rec}",
        f"  {lab.header('placement')}: {lab.value(p['placement'], 'placement')}; "
        f"{lab.header('talent_pool')}: {pool}; {lab.header('readiness')}: {ready}  ({src}: {rule})",
        f"  {lab.header('retirement_date')}: {long_date(p['retirement_date'])}; "
        f"{lab.header('notes')}: {notes}  "
        f"({src}: retirement, job_levels.{p['job_level']}.retirement_age)",
    ]


def _calibration(data: RunData, nip: str, p: pd.Series | None, lab: Labels) -> list[str]:
    """The committee's decision for the person (SPEC §4.9) and what it changed: the computed
    box's placement, pool, readiness and box programmes against the final box's."""
    import numpy as np

    from talentcli.classify import NEAR_RETIREMENT, box_columns

    c = data.calibrations
    row = None if c is None or not len(c) else c[c["nip"] == nip]
    if row is None or row.empty:
        return []
    d = row.iloc[0]
    said = "; ".join(
        str(x) for x in (d["reason"], d["by"], long_when(d["date"]), d["ref"]) if x and x == x
    )
    if not d["applied"]:
        why = d["reason_not_applied"]
        left = lab.say("not_applied")
        return [f"  Kalibrasi: Kotak Talenta {int(d['box'])} {left} ({lab.value(why)}); {said}"]
    before, after = int(d["box_computed"]), int(d["box"])
    out = [f"  Kalibrasi: Kotak Talenta {before} -> {after} ({_direction(before, after)}); {said}"]
    if p is None or before == after:
        return out
    near = np.array([NEAR_RETIREMENT in tuple(p["notes"])])
    was = box_columns(np.array([before]), near, data.rules)
    pool = lab.value(bool(was["talent_pool"][0]), "talent_pool")
    ready = was["readiness"].iloc[0]
    placement = lab.value(was["placement"][0], "placement")
    ready = lab.value(ready, "readiness") if ready else "—"
    out.append(
        "    " + lab.say("uncalibrated", box=before, placement=placement, pool=pool, ready=ready)
    )
    boxes = data.rules.nine_box.boxes
    gone = [x for x in boxes[before].programmes if x not in boxes[after].programmes]
    added = [x for x in boxes[after].programmes if x not in boxes[before].programmes]
    if gone or added:
        said = lab.say(
            "box_programmes", added=", ".join(added) or "—", dropped=", ".join(gone) or "—"
        )
        out.append(f"    {said}")
    return out


def _calibrated(p: pd.Series, lab: Labels) -> str:
    """', hasil kalibrasi (hasil perhitungan: Kotak Talenta 8)' when the final box is not the
    computed one."""
    computed = p.get("box_computed")
    if computed is None or computed != computed or int(computed) == int(p["box"]):
        return ""
    return lab.say("calibrated", box=int(computed))


def _dec(x: object, spec: str) -> str:
    """A number in SPEC, with the Indonesian decimal comma: 3.25 -> '3,25'; text as it is."""
    return format(x, spec).replace(".", ",") if isinstance(x, (int, float)) else str(x)


def _direction(before: int, after: int) -> str:
    from talentcli.engine.history import directions

    way = directions([before], [after])[0]
    return "tetap, dikonfirmasi" if way == "tetap" else way


def long_when(day: object) -> str | None:
    """A stored YYYY-MM-DD date in the reports' long form, or None."""
    from talentcli.report.labels import long_date

    return long_date(day) if isinstance(day, str) and day else None


def _rejected_years(p: pd.Series, rejected: list[dict], cycle: int, lab: Labels) -> list[str]:
    """Where the later kinerja rows behind the kinerja_tahun_ditolak note were rejected."""
    from talentcli.classify import REJECTED_YEAR

    if REJECTED_YEAR not in p["notes"]:
        return []
    used = int(p["performance_year"])
    rows = [
        r
        for r in rejected
        if r["kind"] == "kinerja" and r["tahun"] is not None and used < r["tahun"] <= cycle
    ]
    return [
        "  " + lab.say("rejected_year", year=r["tahun"], where=rejected_where(r, lab.lang))
        for r in rows
    ]


def _plan(data: RunData, nip: str, lab: Labels) -> list[str]:
    rows = data.plans[data.plans["nip"] == nip]
    width = max([len("Program"), *(len(str(x)) for x in rows["programme"])])
    out = ["", f"  Rencana Pengembangan ({data.run['rules_name']}: training):"]
    for r in rows.itertuples():
        why = lab.value(r.reason, "reason")
        out.append(
            f"    {r.code:8} {r.programme:{width}} {r.jp:3d} JP  {rupiah(r.cost):>14}  {why}"
        )
    out.append(
        "    " + lab.say("plan_total", jp=int(rows["jp"].sum()), cost=rupiah(rows["cost"].sum()))
    )
    return out
