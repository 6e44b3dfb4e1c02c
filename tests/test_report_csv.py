"""The CSV files stay the same bytes as the lists and to_csv writer they replaced, kept here as
the reference, on runs made awkward on purpose; and the columnar CSV text equals pandas'
to_csv on random frames."""

from __future__ import annotations

import math
import stat
from collections.abc import Callable

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentcli.model import RunData
from talentcli.pipeline import pseudonymize
from talentcli.report import columnar, csv_report, lists
from talentcli.report.lists import AXES, PERSON, PLACEMENT_LISTS
from talentcli.store import RESULT_COLUMNS
from tests.test_report_json import awkward, cohort_run, reference_pseudonymize

FORMULA_PATTERN = r"^[=+\-@\t\r]"

# ------------------------------------------------------------------ the reference writer
# The lists and the CSV text of commit ececb59, verbatim: what the bytes must stay.


def hasil(data: RunData) -> pd.DataFrame:
    """One row per classified person: every field of the JSON person, flattened."""
    comps = data.rules.competency_codes
    per = [f"{k}_{c}" for k in ("score", "standard", "delta", "status") for c in comps]
    head, axes = RESULT_COLUMNS[: len(PERSON)], RESULT_COLUMNS[len(PERSON) :]
    cols = [*head, *per, *axes, "plan_jp", "plan_cost"]
    out = data.people.sort_values("nip")[cols].copy()
    out["notes"] = out["notes"].map("; ".join)
    return out.reset_index(drop=True)


def placement_list(data: RunData, placement: str) -> pd.DataFrame:
    """People with one placement, best first (box, JPM), with the box recommendation."""
    p = data.people[data.people["placement"] == placement]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *AXES, "placement", "readiness", "notes"]].copy()
    out["notes"] = out["notes"].map("; ".join)
    rec = data.rules.recommendation
    out["recommendation"] = [rec(b, pl) for b, pl in zip(out["box"], out["placement"], strict=True)]
    return out.reset_index(drop=True)


def suksesi(data: RunData) -> pd.DataFrame:
    """The talent pool (succession group): who, how ready, for which level next."""
    promotes = {c: lv.promotes_to for c, lv in data.rules.job_levels.items()}
    p = data.people[data.people["talent_pool"]]
    p = p.sort_values(["box", "jpm", "nip"], ascending=[False, False, True])
    out = p[[*PERSON[:5], *AXES, "readiness"]].copy()
    out["promotes_to"] = out["job_level"].map(promotes)
    return out.reset_index(drop=True)


def kandidat(data: RunData) -> pd.DataFrame:
    """Each vacancy with its ranked candidates (a vacancy without candidates keeps one row)."""
    vac = data.vacancies.rename(
        columns={"jabatan": "vacancy_jabatan", "unit": "vacancy_unit", "job_level": "vacancy_level"}
    )
    cand = data.candidates.merge(
        data.people[["nip", "jabatan", "unit"]], on="nip", how="left"
    ).rename(columns={"job_level": "candidate_level"})
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
        "box",
    ]
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
    ]
    return out[cols].reset_index(drop=True)


def tidak_lengkap(data: RunData) -> pd.DataFrame:
    """Cohort members who could not be classified, with the reason."""
    return data.incomplete.sort_values("nip")[["nip", "nama", "reason"]].reset_index(drop=True)


REFERENCE_LISTS: dict[str, Callable[[RunData], pd.DataFrame]] = {
    "hasil": hasil,
    **{k: (lambda d, p=p: placement_list(d, p)) for k, p in PLACEMENT_LISTS.items()},
    "suksesi": suksesi,
    "kandidat": kandidat,
    "rencana": rencana,
    "tidak_lengkap": tidak_lengkap,
}


def frame_text(frame: pd.DataFrame) -> str:
    """A list as CSV text: codes as they are, booleans as true/false, NaN as empty; text that
    starts like a formula gets a leading apostrophe (vectorised: one regex per column)."""
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


def reference_files(data: RunData) -> dict[str, bytes]:
    """Every CSV file the reference writer made, by name."""
    frames = {"sumber": csv_report.provenance(data)}
    frames |= {code: build(data) for code, build in REFERENCE_LISTS.items()}
    cycle = data.run["cycle"]
    return {
        f"talenta-{cycle}-{code}.csv": frame_text(f).encode("utf-8-sig")
        for code, f in frames.items()
    }


def written(data: RunData, folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in csv_report.write(data, folder)}


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
    assert ",'=HYPERLINK(1)," in hasil and '"Siti ""Ani"" Rahma"' in hasil


def test_pseudonymised_run_is_written_as_before(run, tmp_path):
    data = pseudonymize(run, b"k" * 32)
    assert written(data, tmp_path) == reference_files(reference_pseudonymize(run, b"k" * 32))


def test_small_chunks_give_the_same_bytes(run, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_report, "CHUNK", 5)
    monkeypatch.setattr(columnar, "MERGE_LIMIT", 2)
    assert written(awkward(run), tmp_path) == reference_files(awkward(run))


def test_files_are_owner_only(run, tmp_path):
    for path in csv_report.write(run, tmp_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries


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
@given(frame=frames(), chunk=st.sampled_from([3, 50_000]))
def test_columnar_text_equals_to_csv(frame, chunk):
    old = csv_report.CHUNK
    csv_report.CHUNK = chunk
    try:
        assert csv_report.frame_text(frame) == frame_text(frame)
    finally:
        csv_report.CHUNK = old


def test_floats_as_to_csv_writes_them():
    frame = pd.DataFrame({"a": [1e16, 0.1, math.nan, -0.0, 2.5e-7], "b": ["x", "y", "z", "", None]})
    assert csv_report.frame_text(frame) == frame.to_csv(index=False, lineterminator="\r\n")


def test_cells_of_people_are_reused_only_when_the_list_holds_their_values(run):
    shown = csv_report.PeopleCells(run.people)
    frame = lists.hasil(run)
    rows = frame.attrs[lists.PEOPLE_ROWS].rows
    assert shown.cells("nama", frame["nama"], rows) is not None  # the people's own objects
    changed = frame.copy()
    changed.loc[3, "nama"] = "Nama, Lain"  # a list edited after it was built
    changed.loc[5, "jpm"] = -0.0
    assert shown.cells("nama", changed["nama"], rows) is None
    assert shown.cells("jpm", changed["jpm"], rows) is None
    text = "".join(
        p if isinstance(p, str) else p.text() for p in csv_report.csv_pieces(changed, shown)
    )
    assert text == frame_text(changed)
