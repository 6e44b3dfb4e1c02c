"""Hostile and odd input files (SPEC §3.2, §8; issue #19 items 7-8), refused or read as the
SPEC says. Each file is written by another library than the reader (zipfile, xlsxwriter,
LibreOffice's fixtures, Python's codecs). The tests of a fix fail on the code before it
(checked); the Windows-1252 and encrypted-manifest cases guard what must stay as it was.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from talentcli.errors import InputFileError
from talentcli.ingest.read import Limits, check_file, read_text
from tests.conftest import ASESMEN_HEADER, asesmen_rows, person, write_xlsx

REAL = Path(__file__).parent / "data" / "real"
GB_AND_A_BIT = 1100  # MiB one entry unpacks to: over the default limit of 1024 MB


@functools.cache
def white_space(mib: int) -> tuple[bytes, int]:
    """MIB MiB of spaces as a raw deflate stream (not yet ended) and their CRC-32, made
    without compressing a GB: after a full flush the deflater starts afresh, so each MiB
    compresses to the same bytes."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b" " * (1 << 20)
    one = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    assert one == z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return one * mib, crc


def padded(data: bytes, mib: int) -> tuple[bytes, int, int]:
    """(deflate stream, CRC-32, size) of MIB MiB of white space, then DATA without its XML
    declaration (white space may come before the root element, but not before one)."""
    if data.startswith(b"<?xml"):
        data = data[data.index(b"?>") + 2 :]
    spaces, crc = white_space(mib)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = spaces + z.compress(data) + z.flush()
    return stream, zlib.crc32(data, crc), mib * 2**20 + len(data)


def rewrite_zip(src: Path, dst: Path, entry: str, mib: int, declare: bool) -> Path:
    """SRC with ENTRY's text after MIB MiB of white space. DECLARE: its headers state the
    true size, else the original size (a lying entry)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != entry:
                zout.writestr(info, data)
                continue
            stream, crc, size = padded(data, mib)
            zi = zipfile.ZipInfo(entry, info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.CRC, zi.compress_size = crc, len(stream)
            zi.file_size = size if declare else len(data)
            zi.header_offset = zout.fp.tell()  # written raw: zipfile would deflate a GB
            zout.fp.write(zi.FileHeader(zip64=False))
            zout.fp.write(stream)
            zout.filelist.append(zi)
            zout.NameToInfo[entry] = zi
            zout.start_dir = zout.fp.tell()
    return dst


@pytest.fixture(scope="module")
def small_xlsx(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    return write_xlsx(folder / "asesmen.xlsx", asesmen_rows([person(1), person(2)]))


def run_cli(folder: Path, *args: str) -> tuple[int, str, float, float]:
    """`python -m talentcli ARGS` in FOLDER: (exit code, stderr, seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "talentcli", *args],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)  # the child's own peak memory
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    seconds = time.perf_counter() - start
    return proc.returncode, err, seconds, usage.ru_maxrss / 1024


BOMBS = [  # (file, entry, headers tell the true size, expected code)
    # the manifest an ods is checked for encryption: it was read whole before the size check
    ("formasi-lo.ods", "META-INF/manifest.xml", True, "too-large"),
    ("asesmen.xlsx", "META-INF/manifest.xml", True, "too-large"),  # planted in an xlsx
    ("asesmen.xlsx", "xl/sharedStrings.xml", True, "too-large"),
    # headers that lie (a small size): the reader stops at the declared size
    ("asesmen.xlsx", "xl/worksheets/sheet1.xml", False, "corrupt"),
    ("formasi-lo.ods", "content.xml", False, "corrupt"),
]


def test_a_zip_entry_that_unpacks_to_a_gigabyte_is_refused_at_once(tmp_path, small_xlsx):
    """~1 MB workbooks one entry of which unpacks to 1.1 GB, imported by one command: each is
    refused (exit 3) within seconds and with the memory of an ordinary import (the manifest
    bombs took 21-40 s and 3.4 GB when the manifest was read before the sizes were checked)."""
    names = []
    for n, (source, entry, declare, _) in enumerate(BOMBS):
        src = small_xlsx if source == "asesmen.xlsx" else REAL / source
        if entry == "META-INF/manifest.xml" and source.endswith(".xlsx"):
            src = plant(src, tmp_path / "planted.xlsx", entry)
        bomb = rewrite_zip(src, tmp_path / f"bomb{n}{src.suffix}", entry, GB_AND_A_BIT, declare)
        assert bomb.stat().st_size < 2 * 2**20
        names.append(bomb.name)
    rc, err, seconds, peak_mb = run_cli(tmp_path, "import", *names)
    assert rc == 3, err
    lines = err.strip().splitlines()
    assert len(lines) == len(BOMBS) and "Traceback" not in err
    for line, name, (*_, code) in zip(lines, names, BOMBS, strict=True):
        assert line.startswith(f"error: {name}: ") and line.endswith(f"({code})"), line
    assert seconds < 20 and peak_mb < 500, (seconds, peak_mb)


def plant(src: Path, dst: Path, entry: str) -> Path:
    """SRC with one more (small) entry."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr(entry, b'<?xml version="1.0"?>\n<manifest></manifest>')
    return dst


def test_entry_sizes_are_checked_before_any_entry_is_read(tmp_path, monkeypatch):
    """The declared sizes decide before a byte of any entry is unpacked."""
    bomb = rewrite_zip(
        REAL / "formasi-lo.ods", tmp_path / "b.ods", "META-INF/manifest.xml", 64, declare=True
    )
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name))
    with pytest.raises(InputFileError) as err:
        check_file(bomb, Limits(max_unzipped_mb=32))
    assert err.value.code == "too-large" and opened == []
    assert "META-INF/manifest.xml alone 64 MB" in err.value.message


def test_an_encrypted_ods_manifest_is_still_found(tmp_path):
    """The manifest is read in chunks now: encryption-data split across two chunks is seen."""
    src = REAL / "formasi-lo.ods"
    dst = tmp_path / "locked.ods"
    end = b"</manifest:manifest>"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "META-INF/manifest.xml":
                at = data.index(end)  # "encryption-data" to begin 5 bytes before 64 KiB
                pad = b" " * (65536 - 5 - at - len(b"<manifest:"))
                data = data[:at] + pad + b"<manifest:encryption-data/>" + data[at:]
                assert data.index(b"encryption-data") == 65536 - 5
            zout.writestr(info, data)
    with pytest.raises(InputFileError) as err:
        check_file(dst, Limits())
    assert err.value.code == "encrypted"


# ------------------------------------------------------------------ text encodings

KINERJA = ["NIP", "Nama Pegawai", "Tahun", "Predikat Kinerja"]


def kinerja_lines(names: list[str]) -> list[str]:
    return [";".join(KINERJA)] + [
        f"'19800101200501{1 + i % 2}{i:03d};{n};2025;Baik" for i, n in enumerate(names, 1)
    ]


def test_utf8_and_windows_1252_are_told_apart(cli, tmp_path):
    names = ["Ani", "Budi", "Sé Rahayu", "Dewi"]
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes("\n".join(kinerja_lines(names)).encode("utf-8"))
    ansi = tmp_path / "ansi.csv"
    ansi.write_bytes("\r\n".join(kinerja_lines(names)).encode("cp1252"))
    for path in (utf8, ansi):
        assert cli("import", path).exit_code == 0
        cells = [c for row in read_text(path).head(10) for c in row]
        assert "Sé Rahayu" in cells and not any("Ã" in c for c in cells)


@pytest.mark.parametrize(
    "raw, line",
    [
        # valid UTF-8 (é) on line 4, a Windows-1252 é (0xE9) pasted in on line 5
        (
            "\n".join(kinerja_lines(["Ani", "Budi", "Sé"])).encode()
            + b"\n'198001012005011004;Ren\xe9;2025;Baik\n",
            5,
        ),
        # a UTF-8 mark, then a byte that is not UTF-8 on line 3
        (
            b"\xef\xbb\xbf"
            + "\n".join(kinerja_lines(["Ani"])).encode()
            + b"\n'198001012005011002;B\xe9;2025;Baik\n",
            3,
        ),
        # no UTF-8 at all, but 0x81: no character in Windows-1252 either (it was exit 70)
        (
            "\n".join(kinerja_lines(["Ani", "Budi"])).encode("cp1252")
            + b"\n'198001012005011003;X\x81;2025;Baik\n",
            4,
        ),
    ],
)
def test_text_that_is_neither_utf8_nor_windows_1252_is_refused_naming_the_line(
    cli, tmp_path, raw, line
):
    path = tmp_path / "mixed.csv"
    path.write_bytes(raw)
    result = cli("import", path)
    assert result.exit_code == 3, result.output
    assert "(encoding-error)" in result.output and f"line {line} " in result.output
    assert "Traceback" not in result.output
    assert cli.sql("SELECT count(*) FROM batches") == [(0,)]


@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_excel_unicode_text_is_read_like_a_csv(cli, tmp_path, suffix):
    """Excel's Save As "Unicode Text": UTF-16 LE with a BOM, tab-separated, CRLF."""
    rows = [["REKAP ASESMEN"], [], ASESMEN_HEADER] + [
        [str(c) for c in person(i)] for i in (1, 2, 3)
    ]
    rows[-1][2] = "Sé Ñoño"
    text = "\r\n".join("\t".join(r) for r in rows) + "\r\n"
    path = tmp_path / f"asesmen-2026{suffix}"
    path.write_bytes(text.encode("utf-16"))  # Python writes the BOM, as Excel does
    doc = cli.json("import", path)
    assert doc["files"][0]["status"] == "imported", doc
    assert doc["files"][0]["accepted"] == 3 and doc["files"][0]["header_row"] == 3


# ------------------------------------------------------------------ other disguises

WEB_EXPORT = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><table border="1">
<tr><th>NIP</th><th>NAMA</th><th>KEMAMPUAN TEKNIS</th></tr>
<tr><td>198001012005011001</td><td>Ani</td><td>3</td></tr>
</table></body></html>
"""


@pytest.mark.parametrize("prefix", ["", "\ufeff", "<!DOCTYPE html>\n"])
def test_an_html_page_named_xls_is_called_what_it_is(cli, tmp_path, prefix):
    path = tmp_path / "asesmen-2026.xls"
    path.write_text(prefix + WEB_EXPORT, encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 3
    out = result.output
    assert "HTML page" in out and "saved with an Excel name" in out and ".xlsx" in out, out
    assert len(out.strip().splitlines()) == 1


def test_a_failure_inside_a_reader_is_that_files_error(cli, tmp_path, monkeypatch):
    """Any exception inside a reader becomes exit 3 for that file, never exit 70, and the
    other files of the command are imported."""
    import talentcli.ingest.read as rd

    def broken(*args):
        raise ValueError("a reader's own bug")

    monkeypatch.setattr(rd, "_read_csv_arrow", broken)
    csv = tmp_path / "a.csv"
    csv.write_text("\n".join(kinerja_lines(["Ani"])) + "\n", encoding="utf-8")
    good = write_xlsx(tmp_path / "asesmen-2026.xlsx", asesmen_rows([person(1)]))
    result = cli("import", csv, good)
    assert result.exit_code == 3, result.output
    assert "a.csv: the file cannot be read" in result.output and "(corrupt)" in result.output
    assert cli.sql("SELECT count(*) FROM batches") == [(1,)]


def test_a_file_the_system_will_not_let_us_read_is_that_files_error(tmp_path, monkeypatch):
    """A permission error (root reads anything, so it is injected) is exit 3, `unreadable`,
    not an internal error."""
    path = write_xlsx(tmp_path / "a.xlsx", asesmen_rows([person(1)]))

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputFileError) as err:
        check_file(path, Limits())
    assert err.value.code == "unreadable" and "Permission denied" in err.value.message


def test_a_hostile_inbox_beside_two_good_files(tmp_path, small_xlsx):
    """Issue #19's acceptance: a symlink to a file outside the workspace, a CSV with an
    undecodable byte and a manifest-entry zip bomb dropped in the inbox with two good files:
    `run` exits 1, the good files are imported, the three are in failed/ with reasons, the
    link's target is unchanged (mode and bytes), and the run's peak memory stays < 500 MB."""
    import hashlib
    import shutil

    ws = tmp_path / "ws"
    code, err, _, _ = run_cli(tmp_path, "init", str(ws), "--cycle", "2026")
    assert code == 0, err
    cfg = ws / "talent.yaml"
    cfg.write_text(cfg.read_text().replace("formats: [xlsx, html, csv, json]", "formats: [json]"))
    inbox = ws / "inbox"
    samples = Path(__file__).parent.parent / "samples"
    shutil.copy(samples / "asesmen-2026.xlsx", inbox / "asesmen-2026.xlsx")
    shutil.copy(samples / "kinerja.xlsx", inbox / "kinerja.xlsx")
    outside = tmp_path / "elsewhere.xlsx"
    shutil.copy(small_xlsx, outside)
    outside.chmod(0o644)
    before = (outside.stat().st_mode, hashlib.sha256(outside.read_bytes()).hexdigest())
    (inbox / "link.xlsx").symlink_to(outside)
    text = "NIP;TAHUN;PREDIKAT\n198001012005011001;2025;Baik\n198001012005011002;2025;Sé\n"
    (inbox / "kinerja-rusak.csv").write_bytes(text.encode() + b"198001012005011003;2025;B\x81\n")
    rewrite_zip(small_xlsx, inbox / "bom.xlsx", "xl/sharedStrings.xml", GB_AND_A_BIT, True)
    code, err, _, peak = run_cli(ws, "run", "--as-of", "2026-01-01")
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    failed = ws / "failed"
    assert sorted(p.name for p in failed.iterdir() if not p.name.endswith(".reason.txt")) == [
        "bom.xlsx", "kinerja-rusak.csv", "link.xlsx"]  # fmt: skip
    reasons = {p.name: p.read_text() for p in failed.glob("*.reason.txt")}
    assert "symbolic link" in reasons["link.xlsx.reason.txt"]
    assert "encoding-error" in reasons["kinerja-rusak.csv.reason.txt"]
    assert "too-large" in reasons["bom.xlsx.reason.txt"]
    archived = sorted(p.name for p in (ws / "archive").rglob("*.xlsx"))
    assert archived == ["asesmen-2026.xlsx", "kinerja.xlsx"]
    assert (outside.stat().st_mode, hashlib.sha256(outside.read_bytes()).hexdigest()) == before
    assert peak < 500, f"{peak:.0f} MB"
