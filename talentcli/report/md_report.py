"""Markdown: a one-page summary for e-mail or a chat message."""

from __future__ import annotations

from pathlib import Path

from talentcli import __version__
from talentcli.model import RunData
from talentcli.report import lists
from talentcli.report.labels import Labels, box_grid, long_date, number, rupiah
from talentcli.rules import PERFORMANCE_LEVELS
from talentcli.safety import private_file


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]


def summary(data: RunData, lang: str = "id") -> str:
    """The summary page as Markdown text."""
    lab, rules, run = Labels(data.rules, lang), data.rules, data.run
    t = lab.text
    boxes = data.people["box"].value_counts()
    grid = [
        [lab.value(lv.code), *(f"{b}: {int(boxes.get(b, 0))}" for b in row)]
        for lv, row in box_grid(rules)
    ]
    place = lists.counts(data, "placement", list(rules.placements))
    cats = lists.counts(
        data, "jpm_category", [b.code for b in rules.jpm.band_sets[rules.jpm.bands]]
    )
    lines = [
        f"# {t('Ringkasan Pemetaan Talenta', 'Talent Mapping Summary')} {run['cycle']}",
        "",
        f"{t('Per tanggal', 'As of')} {long_date(run['as_of'], lang)}; {t('aturan', 'rules')} "
        f"{run['rules_name']} (`{run['rules_sha256'][:12]}`); "
        f"{t('proses klasifikasi', 'classification run')} #{run['id']}; talentcli {__version__}.",
        "",
        f"- {t('Pegawai', 'People')}: {number(int(run['people']))}; "
        f"{t('terklasifikasi', 'classified')}: {number(len(data.people))}; "
        f"{t('data tidak lengkap', 'incomplete')}: {number(len(data.incomplete))}",
        f"- {t('Rencana pengembangan', 'Development plans')}: "
        f"{number(int(data.people['plan_jp'].sum()))} JP, {rupiah(data.people['plan_cost'].sum())}",
        *_budget_lines(data, lab),
        *_history_lines(data, lab),
        "",
        f"## {t('Peta talenta (9-box)', 'Talent map (9-box)')}",
        "",
        *_table(
            [
                t("Potensial \\ Kinerja", "Potential \\ Performance"),
                *(lab.value(p) for p in PERFORMANCE_LEVELS),
            ],
            grid,
        ),
        "",
        f"## {lab.header('placement')}",
        "",
        *_table(
            [lab.header("placement"), lab.header("count")],
            [[lab.value(k), n] for k, n in place.itertuples(index=False)],
        ),
        "",
        f"## {lab.header('jpm_category')}",
        "",
        *_table(
            [lab.header("jpm_category"), lab.header("count")],
            [[lab.value(k), n] for k, n in cats.itertuples(index=False)],
        ),
        "",
    ]
    return "\n".join(lines) + "\n"


def _budget_lines(data: RunData, lab: Labels) -> list[str]:
    """The training budget (SPEC §4.12) in one line, when the report was given one."""
    if data.budget is None:
        return []
    t, got = lab.text, lists.budget_summary(data)
    return [
        f"- {t('Anggaran pelatihan', 'Training budget')}: {rupiah(got['total'])}; "
        f"{t('didanai', 'funded')} {rupiah(got['funded'])}, "
        f"{t('belum didanai', 'unfunded')} {rupiah(got['unfunded'])} "
        f"({number(int(got['people_unfunded']))} {t('pegawai', 'people')})"
    ]


def _history_lines(data: RunData, lab: Labels) -> list[str]:
    """Calibration (SPEC §4.9) and movement (§4.10) in one line each."""
    t = lab.text
    up, down, same = lists.calibration_counts(data)
    c = data.calibrations
    decided = 0 if c is None else len(c)
    lines = [
        f"- {t('Kalibrasi', 'Calibration')}: {decided} {t('keputusan', 'decisions')}; "
        f"{up} {t('naik', 'up')}, {down} {t('turun', 'down')}, {same} "
        f"{t('dikonfirmasi', 'confirmed')}, {decided - up - down - same} "
        f"{t('tidak diterapkan', 'not applied')}"
    ]
    m = data.movement
    if m is not None and lists.compared(data) is None:  # nobody to compare with: say so
        return [*lines, f"- {t('Pergerakan talenta', 'Talent movement')}: {lab.no_previous}"]
    if m is not None:
        since = (
            f" {t('terhadap siklus', 'against cycle')} {m.previous_cycle}"
            if (m.previous_cycle)
            else ""
        )
        counts = ", ".join(
            f"{m.counts.get(k, 0)} {str(lab.value(k, 'movement')).lower()}" for k in lists.MOVEMENTS
        )
        lines.append(f"- {t('Pergerakan talenta', 'Talent movement')}{since}: {counts}")
    return lines


def write(data: RunData, out: Path, lang: str = "id") -> list[Path]:
    """talenta-<cycle>.md."""
    path = out / f"talenta-{data.run['cycle']}.md"
    with private_file(path) as tmp:
        tmp.write_text(summary(data, lang), encoding="utf-8")
    return [path]
