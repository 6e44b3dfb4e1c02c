"""ingest.read, the one module that reads input files, and the console entry around it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import talentcli.ingest.read as rd

CSV_CASES = {
    "title-block": 'REKAP ASESMEN\nKabupaten Serang\n\nNIP,NAMA\n\'1978,Ani\n1980,"Budi, S.Sos."\n',
    "bom-semicolon": "\ufeffNIP;NAMA;SKOR\n1;Ani;3,5\n2;Budi;4\n",
    "ragged-footer": "NIP,NAMA\n1,Ani\n\nMengetahui\nNIP. 1968\n",
    "quoted-newline": 'NIP,NAMA\n1,"Ani\nBaru"\n2,Budi\n',
    "unicode-text": "NIP\tNAMA\tSKOR\r\n1\tSé\t3,5\r\n2\tBudi\t4\r\n",
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_csv_fast_reader_sees_what_the_padding_reader_sees(tmp_path, monkeypatch, case):
    """Arrow's CSV parser (full-width rows under a title block) and pandas' (any file, rows
    padded) give the same cells, row for row, whichever one a file ends up with."""
    path = tmp_path / f"{case}.csv"
    text = CSV_CASES[case]
    codec = {"bom-semicolon": "utf-8", "unicode-text": "utf-16"}.get(case, "cp1252")
    path.write_bytes(text.encode(codec))
    utf8 = rd.utf8_text(path.read_bytes(), path.name)
    sample = utf8.decode()
    sep = rd._delimiter(sample)
    used = rd._read_csv_arrow(utf8, sep, rd._width(sample, sep), sample)
    assert (used is None) == (case == "ragged-footer")  # only a ragged file needs padding
    fast = rd.read_text(path).head(50)
    monkeypatch.setattr(rd, "_read_csv_arrow", lambda *a: None)
    assert fast == rd.read_text(path).head(50)
    assert ("Sé" in {c for row in fast for c in row}) == (case == "unicode-text")


def test_the_interpreter_ends_normally():
    """No os._exit: what a library registers for the interpreter's exit still runs."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('exited normally', file=sys.stderr))\n"
        "sys.argv = ['talentcli', '--version']\n"
        "from talentcli.cli import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("talentcli ")
    assert "exited normally" in proc.stderr


def test_no_process_level_tricks_in_the_package():
    """SPEC §9: argv only through Typer, the collector left on, the normal exit, no module
    state kept for the exit."""
    package = Path(rd.__file__).parents[1]
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for trick in ("sys.argv", "gc.disable", "os._exit", "_LAST_READ"):
            assert trick not in text, (path.name, trick)
