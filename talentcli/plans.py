"""Pure training plans (SPEC §4.8): competency gaps and the box -> programmes, >= min_jp a year.

A plan depends only on a small signature: the order of the deltas, each competency's gap
severity and the box. So it is worked out once per distinct signature (a few hundred at
most) and broadcast to every person with numpy indexing, never with a per-person loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentcli.rules import Rules

PLAN_COLUMNS = ["nip", "seq", "code", "programme", "competency", "form", "jp", "cost", "reason"]
SEVERITIES = ("ringan", "berat")

Step = tuple[str, str]  # (programme code, reason)


def plan(classified: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One row per person x programme: nip, seq (1..), code, programme, competency, form, jp,
    cost, reason; sorted like CLASSIFIED, then by seq."""
    return plan_and_totals(classified, rules)[0]


def plan_and_totals(
    classified: pd.DataFrame, rules: Rules
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """plan(), and each person's total JP and cost as arrays in CLASSIFIED's row order
    (summed once per distinct plan, not per row)."""
    ids, table = distinct_plans(classified, rules)
    jp, cost = totals(ids, table)
    return expand(classified["nip"], ids, table), jp, cost


def distinct_plans(classified: pd.DataFrame, rules: Rules) -> tuple[np.ndarray, pd.DataFrame]:
    """Each person's plan id (CLASSIFIED's row order; ids 0.. in order of first appearance)
    and the distinct plans, one row per plan x step: plan_id, seq (1..), code, programme,
    competency, form, jp, cost, reason, by plan_id then seq. Worked out once per signature
    (plans.signatures), then once per distinct plan: two ids never hold the same steps."""
    order, severity, box = signatures(classified, rules)
    ids, first = _group_ids(np.column_stack([order, severity, box]))
    comps = rules.competency_codes
    plans = [
        plan_for([comps[j] for j in order[i]], _gaps(comps, severity[i]), int(box[i]), rules)
        for i in first
    ]
    same: dict[tuple, int] = {}  # signatures that give the very same plan share one id
    renumber = np.array([same.setdefault(tuple(p), len(same)) for p in plans], dtype=np.int64)
    unique = list(dict.fromkeys(tuple(p) for p in plans))
    return renumber[ids], _plan_table([list(p) for p in unique], rules)


def totals(ids: np.ndarray, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each person's plan JP and cost (int64), for plan IDS of the distinct plans TABLE."""
    size = max(int(ids.max(initial=-1)), int(table["plan_id"].max() if len(table) else -1)) + 1
    at = table["plan_id"].to_numpy(dtype=np.int64)
    jp, cost = np.zeros(size + 1, dtype=np.int64), np.zeros(size + 1, dtype=np.int64)
    np.add.at(jp, at, table["jp"].to_numpy(dtype=np.int64))  # the last stays 0: id -1
    np.add.at(cost, at, table["cost"].to_numpy(dtype=np.int64))
    return jp[ids], cost[ids]


def expand(nip: pd.Series, ids: np.ndarray, table: pd.DataFrame) -> pd.DataFrame:
    """One row per person x step (PLAN_COLUMNS), person by person in NIP's order: the plan
    IDS point to in TABLE (distinct plans by plan_id then seq; an id of -1 is no plan),
    broadcast with numpy indexing."""
    plan_id = table["plan_id"].to_numpy(dtype=np.int64)
    lengths = np.bincount(plan_id, minlength=int(ids.max(initial=-1)) + 1)
    lengths = np.append(lengths, 0)  # -1: no plan, no rows
    counts = lengths[ids]
    person = np.repeat(np.arange(len(ids)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = (np.cumsum(lengths) - lengths)[ids][person] + step
    out = table.drop(columns="plan_id").take(rows).reset_index(drop=True)
    out.insert(0, "nip", nip.take(person).reset_index(drop=True))  # same dtype and objects
    return out


def _gaps(comps: list[str], severity: np.ndarray) -> dict[str, str]:
    """Competency -> ringan/berat for the competencies with a gap (severity index > 0)."""
    return {c: SEVERITIES[s - 1] for c, s in zip(comps, severity, strict=True) if s}


def signatures(classified: pd.DataFrame, rules: Rules) -> tuple[np.ndarray, ...]:
    """Per person: competency indexes by delta (smallest first, ties in rules order),
    severity per competency (0 none, 1 ringan, 2 berat) and box."""
    comps = rules.competency_codes
    n = len(classified)
    deltas = np.column_stack([classified[f"delta_{c}"].to_numpy(dtype=float) for c in comps])
    order = np.argsort(deltas.reshape(n, len(comps)), axis=1, kind="stable")
    sev = [classified[f"severity_{c}"].to_numpy(dtype=object) for c in comps]
    severity = np.column_stack([(s == SEVERITIES[0]) + 2 * (s == SEVERITIES[1]) for s in sev])
    box = classified["box"].to_numpy(dtype=np.int64)
    return order, severity.reshape(n, len(comps)).astype(np.int64), box


def _group_ids(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A group id per row of small non-negative int KEYS, and the first row of each group."""
    sizes = keys.max(axis=0, initial=0) + 1
    if float(np.prod(sizes, dtype=float)) < 2.0**62:  # one int64 per row: fast to factorize
        flat = np.zeros(len(keys), dtype=np.int64)
        for j, size in enumerate(sizes):
            flat = flat * int(size) + keys[:, j]
        ids = pd.factorize(flat)[0]
    else:  # many competencies: let pandas group the columns
        frame = pd.DataFrame(keys)
        ids = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    ids = ids.astype(np.int64)
    return ids, first_rows(ids)


def first_rows(ids: np.ndarray) -> np.ndarray:
    """The first row of each id, for ids numbered in order of first appearance (factorize):
    where the running maximum grows."""
    top = np.maximum.accumulate(ids)
    new = np.empty(len(ids), dtype=bool)
    new[:1] = len(ids) > 0 and top[0] >= 0
    np.greater(top[1:], top[:-1], out=new[1:])
    return np.flatnonzero(new)


def plan_for(by_delta: list[str], gaps: dict[str, str], box: int, rules: Rules) -> list[Step]:
    """One person's plan (SPEC §4.8); BY_DELTA lists the competencies smallest delta first."""
    need = {(p.competency, p.severity): p.code for p in rules.training.catalogue if p.severity}
    steps = [(need[(c, gaps[c])], "gap") for c in by_delta if c in gaps]
    steps += [(code, "box") for code in rules.nine_box.boxes[box].programmes]
    chosen: list[Step] = []
    for code, reason in steps:
        if code not in {c for c, _ in chosen}:  # each programme at most once
            chosen.append((code, reason))
    return _top_up(chosen, by_delta, rules)


def _top_up(chosen: list[Step], by_delta: list[str], rules: Rules) -> list[Step]:
    """Step 3: ringan programmes of unplanned competencies, then the filler once, to min_jp."""
    by_code = {p.code: p for p in rules.training.catalogue}
    ringan = {p.competency: p.code for p in rules.training.catalogue if p.severity == "ringan"}
    while sum(by_code[c].jp for c, _ in chosen) < rules.training.min_jp:
        planned = {by_code[c].competency for c, _ in chosen}
        rest = [c for c in by_delta if c not in planned]
        if not rest:  # every competency planned: the filler once, then stop (odd rules)
            filler = rules.training.filler
            return chosen if filler in {c for c, _ in chosen} else [*chosen, (filler, "min_jp")]
        chosen.append((ringan[rest[0]], "min_jp"))
    return chosen


def _plan_table(plans: list[list[Step]], rules: Rules) -> pd.DataFrame:
    """All the distinct plans one after another: plan_id, seq, code, programme, ..., reason
    of each step."""
    by_code = {p.code: p for p in rules.training.catalogue}
    steps = [by_code[code] for p in plans for code, _ in p]
    return pd.DataFrame(
        {
            "plan_id": np.repeat(np.arange(len(plans), dtype=np.int64), [len(p) for p in plans]),
            "seq": np.array([i + 1 for p in plans for i in range(len(p))], dtype=np.int64),
            "code": _objects([p.code for p in steps]),
            "programme": _objects([p.name for p in steps]),
            "competency": _objects([p.competency for p in steps]),
            "form": _objects([p.form for p in steps]),
            "jp": np.array([p.jp for p in steps], dtype=np.int64),
            "cost": np.array([p.cost for p in steps], dtype=np.int64),
            "reason": _objects([why for p in plans for _, why in p]),
        }
    )


def _objects(values: list) -> pd.Series:
    """Python objects, not an Arrow string column: broadcast to millions of rows, a row is
    then a pointer to one shared string, cheap to take and to encode."""
    return pd.Series(values, dtype=object)
