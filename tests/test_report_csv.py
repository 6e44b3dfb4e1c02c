"""The CSV files hold the same cells as the lists and to_csv writer they replaced, kept here as
the reference, on runs made awkward on purpose, in Arrow's CSV dialect: every text cell quoted,
numbers in Arrow's shortest form (4, not 4.0). Those are the only byte differences
(CHANGELOG, "CSV and JSON writers"): pyarrow.csv quotes every string ("needed" style) and has
no option to quote only the cells that need it as to_csv did."""

from __future__ import annotations

import csv
import io
import math
import stat
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli.model import RunData
from talentcli.pipeline import pseudonymize
from talentcli.report import csv_report, lists
from talentcli.report.lists import PERSON, PLACEMENT_LISTS
from talentcli.safety import FORMULA_START
from talentcli.store import RESULT_COLUMNS
from tests.test_report_json import awkward, cohort_run, reference_pseudonymize

FORMULA_PATTERN = r"^[=+\-@\t\r]"
# a person list's axes since issue "computed box beside the final box" (SPEC §4.9)
LIST_AXES = ["jpm", "jpm_category", "potential", "performance", "box_computed", "box"]

# ------------------------------------------------------------------ the reference writer
# The lists and the CSV text of commit ececb59, verbatim: what the bytes must stay.


def hasil(data: RunData) -> pd.DataFrame:
    """One row per classified person: every field of the JSON person, flattened."""
    comps = data.rules.competency_codes
    per = [f"{k}_{c}" for k in ("score", "standard", "delta", "status") for c in comps]
    head, axes = RESULT_COLUMNS[: len(PERSON)], RESULT_COLUMNS[len(PERSON) :]
    cols = [*head, *per, *axes, "plan_jp", "plan_cost"]
    cols += [c for c in lists.HISTORY if c in data.people]  # SPEC §4.10 (issue #15)
    out = data.people.sort_values("nip")[cols].copy()
    out["notes"] = out["notes"].map("; ".join)
    return out.reset_index(drop=True)


def placement_list(data: RunData, placement: str) -> pd.DataFrame:
    """People with one placement, best first (box, JPM), with the box recommendation."""
    p = data.people[data.people["placement"] == placement]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *LIST_AXES, "placement", "readiness", "notes"]].copy()
    out["notes"] = out["notes"].map("; ".join)
    rec = data.rules.recommendation
    out["recommendation"] = [rec(b, pl) for b, pl in zip(out["box"], out["placement"], strict=True)]
    return out.reset_index(drop=True)


def suksesi(data: RunData) -> pd.DataFrame:
    """The talent pool (succession group): who, how ready, for which level next."""
    promotes = {c: "; ".join(lv.promotes_to) or None for c, lv in data.rules.job_levels.items()}
    p = data.people[data.people["talent_pool"]]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *LIST_AXES, "readiness"]].copy()
    out["promotes_to"] = out["job_level"].map(promotes)
    return out.reset_index(drop=True)


def kandidat(data: RunData) -> pd.DataFrame:
    """Each vacancy with its ranked candidates (a vacancy without candidates keeps one row)."""
    vac = data.vacancies.rename(
        columns={"jabatan": "vacancy_jabatan", "unit": "vacancy_unit", "job_level": "vacancy_level"}
    )
    who = data.people[["nip", "jabatan", "unit", "box_computed"]]
    who = who.assign(box_computed=pd.to_numeric(who["box_computed"]).astype(float))
    cand = data.candidates.merge(who, on="nip", how="left").rename(
        columns={"job_level": "candidate_level"}
    )
    out = vac.merge(cand, on="kode", how="left").sort_values(["kode", "rank"])
    cols = [
        "kode",
        "vacancy_jabatan",
        "vacancy_unit",
        "vacancy_level",
        "jumlah",
        "rank",
        "nip",
        "nama",
        "jabatan",
        "unit",
        "candidate_level",
        "fit",
        "box_computed",
        "box",
    ]
    if "verdict" in out:  # SPEC §4.7: the verdict, each criterion, per vacancy its pool
        criteria = ["education_min", "years_in_post_min", "golongan_min", "performance_years",
                    "no_discipline", "max_age"]  # fmt: skip
        no_pegawai = "pegawai" not in set(data.inputs["kind"])
        for c in criteria:

            def cell(row, c=c):
                r = row[c]
                if r is None or r != r:
                    return None
                if r == "fail":
                    return f"fail: {row[c + '_detail']}"
                personal = c in ("education_min", "years_in_post_min", "golongan_min",
                                 "no_discipline")  # fmt: skip
                return "no_pegawai" if r == "unknown" and no_pegawai and personal else r

            out[c] = [cell(row) for row in out.to_dict("records")]
        pools = data.vacancy_pools.set_index("kode")
        out["pool"] = out["kode"].map(pools["pool"])
        out["excluded"] = out["kode"].map(
            lambda k: "; ".join(
                f"{c} {int(pools.loc[k, 'excluded_' + c])}" for c in criteria
                if pools.loc[k, "excluded_" + c] == pools.loc[k, "excluded_" + c]
                and pools.loc[k, "excluded_" + c] > 0
            ) or None if k in pools.index else None
        )  # fmt: skip
        out["empty_reason"] = out["kode"].map(pools["reason"])
        cols += ["verdict", *criteria, "pool", "excluded", "empty_reason"]
    if data.assignment is not None:  # report --assign: the optimal one-to-one proposal
        seats = data.assignment.assign(assigned=True)[["kode", "nip", "assigned"]]
        out = out.merge(seats, on=["kode", "nip"], how="left")
        out["assigned"] = out["assigned"].eq(True)
        cols.append("assigned")
    return out[cols].reset_index(drop=True)


def rencana(data: RunData) -> pd.DataFrame:
    """One row per person x programme, in plan order."""
    who = data.people[["nip", "nama", "unit", "box"]]
    out = data.plans.merge(who, on="nip", how="left").sort_values(["nip", "seq"])
    cols = [
        "nip",
        "nama",
        "unit",
        "box",
        "seq",
        "code",
        "programme",
        "competency",
        "form",
        "jp",
        "cost",
        "reason",
        "funded",  # SPEC §4.12: true everywhere without a budget
    ]
    return out[cols].reset_index(drop=True)


def tidak_lengkap(data: RunData) -> pd.DataFrame:
    """Cohort members who could not be classified, with the reason."""
    return data.incomplete.sort_values("nip")[["nip", "nama", "reason"]].reset_index(drop=True)


def kalibrasi(data: RunData) -> pd.DataFrame:
    """The committee's decisions, row by row (issue #15)."""
    c = data.calibrations.sort_values("nip").reset_index(drop=True)
    before = pd.to_numeric(c["box_computed"]).astype(float)
    before = before.where(c["applied"])

    def way(b: float, a: int) -> str | None:
        return None if math.isnan(b) else "naik" if a > b else "turun" if a < b else "tetap"

    out = c.assign(
        box_computed=before,
        box=c["box"].astype(np.int64),
        direction=pd.Series(
            [way(b, a) for b, a in zip(before, c["box"], strict=True)], dtype=object
        ),
    )
    cols = ["nip", "nama", "box_computed", "box", "direction", "reason", "by", "date", "ref"]
    return out[[*cols, "applied", "reason_not_applied"]]


def pergerakan(data: RunData) -> pd.DataFrame:
    """Everyone against the previous cycle, sorted by movement, then how far, then NIP."""
    p = data.people.copy()
    p["previous_box"] = pd.to_numeric(p["previous_box"]).astype(float)
    p["_rank"] = p["movement"].map({"naik": 0, "turun": 1, "tetap": 2, "baru": 3})
    p["_step"] = (p["box"] - p["previous_box"]).abs().fillna(0.0)
    p = p.sort_values(["_rank", "_step", "nip"], ascending=[True, False, True])
    cols = ["nip", "nama", "unit", "previous_cycle", "previous_box", "box", "movement"]
    return p[[*cols, "previous_placement", "placement", "previous_jpm", "jpm"]].reset_index(
        drop=True
    )


REFERENCE_LISTS: dict[str, Callable[[RunData], pd.DataFrame]] = {
    "hasil": hasil,
    **{k: (lambda d, p=p: placement_list(d, p)) for k, p in PLACEMENT_LISTS.items()},
    "suksesi": suksesi,
    "kandidat": kandidat,
    "rencana": rencana,
    "anggaran": lists.anggaran,  # new lists: their content is tested in test_decisions.py
    "kesetaraan": lists.kesetaraan,
    "tidak_lengkap": tidak_lengkap,
    "kalibrasi": kalibrasi,
    "pergerakan": pergerakan,
}


def frame_text(frame: pd.DataFrame) -> str:
    """A list as the to_csv writer made it: codes as they are, booleans as true/false, NaN as
    empty; text that starts like a formula gets a leading apostrophe."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = out[col].map({True: "true", False: "false"})
        elif not pd.api.types.is_numeric_dtype(out[col]):
            text = out[col].astype("string")
            risky = text.str.match(FORMULA_PATTERN).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                out[col] = out[col].astype(object)
                out.loc[risky, col] = "'" + text[risky]
    return out.to_csv(index=False, lineterminator="\r\n")


def arrow_text(frame: pd.DataFrame) -> str:
    """The same cells in Arrow's dialect, written out cell by cell: text (after the apostrophe)
    always quoted, numbers bare in Arrow's own float text, booleans true/false, missing empty."""
    columns = []
    for col in frame.columns:
        values = frame[col]
        if values.dtype == bool:
            cells = ["true" if v else "false" for v in values]
        elif pd.api.types.is_numeric_dtype(values):
            cells = pc.cast(pa.array(values, from_pandas=True), pa.string()).to_pylist()
        else:
            cells = [_quoted(v) for v in values]
        columns.append(["" if c is None else c for c in cells])
    rows = [",".join(frame.columns), *(",".join(r) for r in zip(*columns, strict=True))]
    return "".join(r + "\r\n" for r in rows)


def _quoted(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    text = "'" + text if text.startswith(FORMULA_START) else text
    return '"' + text.replace('"', '""') + '"'


def reference_frames(data: RunData) -> dict[str, pd.DataFrame]:
    """Every list the reference made, by file name."""
    frames = {"sumber": csv_report.provenance(data)}
    frames |= {code: build(data) for code, build in REFERENCE_LISTS.items()}
    return {f"talenta-{data.run['cycle']}-{code}.csv": f for code, f in frames.items()}


def reference_files(data: RunData) -> dict[str, bytes]:
    """Every CSV file: the reference lists in Arrow's dialect, UTF-8 with BOM."""
    return {n: arrow_text(f).encode("utf-8-sig") for n, f in reference_frames(data).items()}


def written(data: RunData, folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in csv_report.write(data, folder)}


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ------------------------------------------------------------------ the run's lists


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    return cohort_run(tmp_path_factory.mktemp("csv"))


def test_the_cohort_is_written_as_before(run, tmp_path):
    got = written(run, tmp_path)
    assert got == reference_files(run)
    assert len(got) == len(lists.LISTS) + 1
    assert all(b.startswith(b"\xef\xbb\xbf") for b in got.values())
    assert run.assignment is not None and b",assigned\r\n" in got["talenta-2026-kandidat.csv"]


def test_awkward_values_and_row_orders_are_written_as_before(run, tmp_path):
    data = awkward(run)
    got = written(data, tmp_path)
    assert got == reference_files(data)
    hasil = got["talenta-2026-hasil.csv"].decode("utf-8-sig")
    assert ',"\'=HYPERLINK(1)",' in hasil and '"Siti ""Ani"" Rahma"' in hasil


def test_the_cells_are_those_of_the_to_csv_writer(run, tmp_path):
    """Only the bytes' dialect changed: read back, every cell is the to_csv writer's, text for
    text; a number's text may differ (4.0 -> 4, 1e-05 -> 0.00001), never its value."""
    data = awkward(run)
    got = written(data, tmp_path)
    changed = 0
    for name, frame in reference_frames(data).items():
        old, new = cells(frame_text(frame)), cells(got[name].decode("utf-8-sig"))
        assert got[name].decode("utf-8-sig").split("\r\n")[0] == frame_text(frame).split("\r\n")[0]
        assert len(old) == len(new), name
        for a, b in zip(old, new, strict=True):
            for x, y in zip(a, b, strict=True):
                if x != y:
                    assert float(x) == float(y), (name, x, y)
                    changed += 1
    assert changed  # whole numbers of float columns (scores, standards, jpm) lost their .0


def test_whole_numbers_are_written_whole_also_beside_missing_values(run, tmp_path):
    data = awkward(run)  # a vacancy without candidates: rank, fit and box missing on its row
    rows = cells(written(data, tmp_path)["talenta-2026-kandidat.csv"].decode("utf-8-sig"))
    head, body = rows[0], rows[1:]
    assert lists.kandidat(data)["rank"].dtype.kind == "f" and len(body) > 5  # floats by NaN
    for name in ("rank", "box_computed", "box", "jumlah"):
        values = [r[head.index(name)] for r in body]
        assert all(v.isdigit() for v in values if v), (name, values[:5])
    empty = next(r for r in body if r[0] == "ZZ-1")
    assert [empty[head.index(n)] for n in ("rank", "fit", "box_computed", "box")] == [""] * 4
    rencana = cells(written(run, tmp_path)["talenta-2026-rencana.csv"].decode("utf-8-sig"))
    jp = [r[rencana[0].index("jp")] for r in rencana[1:]]
    assert jp and all(v.isdigit() for v in jp)


def test_pseudonymised_run_is_written_as_before(run, tmp_path):
    data = pseudonymize(run, b"k" * 32)
    assert written(data, tmp_path) == reference_files(reference_pseudonymize(run, b"k" * 32))


def test_small_batches_give_the_same_bytes(run, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_report, "BATCH", 5)
    assert written(awkward(run), tmp_path) == reference_files(awkward(run))


def test_files_are_owner_only(run, tmp_path):
    for path in csv_report.write(run, tmp_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries


def test_a_failure_leaves_the_previous_file_whole(run, tmp_path, monkeypatch):
    path = tmp_path / "talenta-2026-hasil.csv"
    path.write_text("the previous report\n")
    frame = lists.hasil(run)
    real = csv_report.table
    calls = []

    def failing(part: pd.DataFrame) -> pa.Table:
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("boom")
        return real(part)

    monkeypatch.setattr(csv_report, "BATCH", 10)
    monkeypatch.setattr(csv_report, "table", failing)
    with pytest.raises(RuntimeError, match="boom"):
        csv_report.write_frame(frame, path)
    assert path.read_text() == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left


# ------------------------------------------------------------------ any frame


TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"\r\n\t=+-@'é;")), max_size=6)
VALUE = {
    "text": st.one_of(st.none(), TEXT),
    "float": st.one_of(
        st.floats(allow_nan=True, allow_infinity=False, width=64),
        st.sampled_from([0.1, 1e16, 1e-5, -0.0, 100.0, 92.31, 1e300]),
    ),
    "int": st.integers(-(2**40), 2**40),
    "bool": st.booleans(),
    "mixed": st.one_of(st.none(), TEXT, st.floats(allow_nan=True), st.integers(-99, 99)),
}


@st.composite
def frames(draw) -> pd.DataFrame:
    """2-5 columns of one kind each; some columns repeat a few values, some hardly repeat."""
    n = draw(st.integers(0, 40))
    columns = {}
    for i in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(sorted(VALUE)))
        pool = draw(st.lists(VALUE[kind], min_size=1, max_size=3 if draw(st.booleans()) else 60))
        values = [pool[draw(st.integers(0, len(pool) - 1))] for _ in range(n)]
        dtype = {"text": object, "mixed": object, "float": float, "int": "int64", "bool": bool}
        column = pd.Series(values, dtype=dtype[kind])
        if kind == "text" and draw(st.booleans()):
            column = column.astype("str")  # an Arrow string column (pandas 3) or objects
        columns[f"c{i}"] = column
    return pd.DataFrame(columns)


@settings(max_examples=150, deadline=None)
@given(frame=frames(), batch=st.sampled_from([3, 100_000]))
def test_any_frame_is_written_as_arrow_text(frame, batch, tmp_path_factory):
    path = tmp_path_factory.mktemp("any") / "x.csv"
    old = csv_report.BATCH
    csv_report.BATCH = batch
    try:
        csv_report.write_frame(frame, path)
    finally:
        csv_report.BATCH = old
    text = path.read_bytes().decode("utf-8-sig")
    assert text == arrow_text(frame.astype({c: "string" for c in frame if _mixed(frame[c])}))
    assert cells(text) == cells(frame_text(frame)) or _same_values(text, frame_text(frame))


def _mixed(values: pd.Series) -> bool:
    """Objects that are not all text (pandas words them: csv_report.column)."""
    return values.dtype == object and not all(isinstance(v, str) or v is None for v in values)


def _same_values(new: str, old: str) -> bool:
    """Cell by cell the same text, or the same number."""
    for a, b in zip(cells(old), cells(new), strict=True):
        for x, y in zip(a, b, strict=True):
            if x != y and not (_number(x) and _number(y) and float(x) == float(y)):
                return False
    return True


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_every_formula_start_is_defused():
    frame = pd.DataFrame({"a": [c + "1" for c in FORMULA_START] + ["a=1", None], "b": 1})
    got = csv_report.defused(pa.array(frame["a"], pa.large_string(), from_pandas=True))
    assert got.to_pylist() == ["'" + c + "1" for c in FORMULA_START] + ["a=1", None]


def test_a_loaded_run_is_written_without_pandas_wording(run):
    """Every column of every list is a kind Arrow takes as it is (csv_report.column_kind)."""
    for build in lists.LISTS.values():
        frame = build(run)
        assert {
            c: csv_report.column_kind(frame[c])
            for c in frame
            if not csv_report.column_kind(frame[c])
        } == {}


# ------------------------------------------------------------------ the lists' grouping


def test_factorize_keeps_what_pandas_merges():
    values = pd.Series([0.0, -0.0, 1, 1.0, True, None, np.nan, "1", 1], dtype=object)
    codes, uniques = lists.factorize(values)
    assert [uniques[c] if c >= 0 else None for c in codes] == [
        0.0, -0.0, 1, 1.0, True, None, None, "1", 1,
    ]  # fmt: skip
    assert [repr(u) for u in uniques] == ["0.0", "-0.0", "1", "1.0", "True", "'1'"]
    assert list(codes) == [0, 1, 2, 3, 4, -1, -1, 5, 2]
