"""`khabar.writer`: no overwrite unless asked, atomic through a unique temporary file, one-line
errors; and no other module writes a file itself."""

from __future__ import annotations

import ast
import os
import stat
from pathlib import Path

import pytest

from khabar.errors import KhabarError
from khabar.writer import MANIFEST, OutFolder, check_folder, write_bytes, write_lines, write_text

from tests.conftest import REPO


def test_writes_exactly_and_refuses_to_overwrite(tmp_path):
    p = write_text(tmp_path / "sub" / "out.txt", "سطر\r\nline\n")
    assert p.read_bytes() == "سطر\r\nline\n".encode("utf-8")  # no newline translation
    with pytest.raises(KhabarError, match="exists") as e:
        write_text(p, "other")
    assert e.value.exit_code == 2 and p.read_bytes() == "سطر\r\nline\n".encode("utf-8")
    write_lines(p, ["a", "b"], overwrite=True)
    assert p.read_text(encoding="utf-8") == "a\nb\n"


def test_a_users_tmp_file_is_never_touched(tmp_path):
    mine = tmp_path / "out.json.tmp"
    mine.write_text("the user's", encoding="utf-8")
    write_text(tmp_path / "out.json", "{}")
    assert mine.read_text(encoding="utf-8") == "the user's"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["out.json", "out.json.tmp"]  # no temporary left


def test_mode_is_what_open_would_give_or_the_replaced_files(tmp_path):
    mask = os.umask(0o022)
    os.umask(mask)
    p = write_text(tmp_path / "a.txt", "x")
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask
    os.chmod(p, 0o640)
    write_text(p, "y", overwrite=True)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_failure_leaves_no_temporary_and_the_old_file(tmp_path, monkeypatch):
    p = write_text(tmp_path / "a.txt", "old")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KhabarError, match="cannot write: No space left on device") as e:
        write_text(p, "new", overwrite=True)
    assert e.value.exit_code == 2
    assert p.read_text(encoding="utf-8") == "old" and [x.name for x in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.parametrize("where", ["directory", "parent is a file"])
def test_impossible_targets_are_one_line_errors(tmp_path, where):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    target = tmp_path if where == "directory" else tmp_path / "f" / "out.txt"
    with pytest.raises(KhabarError) as e:
        write_bytes(target, b"data", overwrite=True)
    assert e.value.exit_code == 2 and "\n" not in str(e.value)
    assert (tmp_path / "f").read_text(encoding="utf-8") == "x"


def test_unwritable_folder(tmp_path):
    """A folder the process may not write into (root may write anywhere but /proc)."""
    folder = Path("/proc/self") if os.geteuid() == 0 else tmp_path / "ro"
    if folder != Path("/proc/self"):
        folder.mkdir()
        folder.chmod(0o500)
    try:
        with pytest.raises(KhabarError, match="cannot write") as e:
            write_text(folder / "khabar-out.txt", "x")
        assert e.value.exit_code == 2 and "\n" not in str(e.value)
    finally:
        if folder != Path("/proc/self"):
            folder.chmod(0o700)


def test_check_folder_refuses_existing_names(tmp_path):
    (tmp_path / "a.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KhabarError, match="exists"):
        check_folder(tmp_path, ["b.txt", "a.txt"])
    assert check_folder(tmp_path, ["a.txt"], overwrite=True) == tmp_path


def direct_writes(source: str, name: str) -> list[str]:
    """The places in `source` that write a file without `khabar.writer`: `Path.write_*`,
    `open(..., 'w'|'a'|'x')`, `os.replace`/`rename`, or a library writer given a path (into an
    in-memory buffer named `buf`/`buffer` is fine: the bytes then go to the writer; so is a
    `writer.OutFolder`, named `folder` by convention)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        attr = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        owner = ast.unparse(f.value) if isinstance(f, ast.Attribute) else ""
        modes = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "mode")]
        if attr == "open" and any(isinstance(m, ast.Constant) and set(str(m.value)) & set("wax") for m in modes):
            found.append(f"{name}:{node.lineno} open for writing")
        elif attr in ("write_text", "write_bytes") and owner and owner != "folder":  # folder: a writer.OutFolder
            found.append(f"{name}:{node.lineno} {owner}.{attr}")
        elif attr in ("replace", "rename") and owner == "os":
            found.append(f"{name}:{node.lineno} os.{attr}")
        elif attr in ("to_csv", "to_json", "to_parquet", "savefig") and node.args and not (
                isinstance(node.args[0], ast.Name) and node.args[0].id in ("buf", "buffer")):
            found.append(f"{name}:{node.lineno} {attr} to a file")
    return found


def test_the_manifest_lists_only_files_still_there(tmp_path):
    """A file the user removed leaves the manifest at its next save, and a hostile name in a
    manifest is dropped, not a traceback."""
    import json

    folder = OutFolder(tmp_path)
    folder.write_text("a.json", "{}")
    folder.write_text("b.json", "{}")
    (tmp_path / "b.json").unlink()
    body = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    body["files"]["x" * 5000] = body["files"]["bad\0name"] = "0" * 64
    (tmp_path / MANIFEST).write_text(json.dumps(body), encoding="utf-8")
    OutFolder(tmp_path, replace=True).write_text("c.json", "{}")
    assert sorted(json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))["files"]) == ["a.json", "c.json"]


def test_no_other_module_writes_files_itself():
    """Every write goes through `khabar.writer`."""
    found = []
    for root in (REPO / "benchmark", REPO / "baselines"):
        for path in root.rglob("*.py"):
            if path.name != "writer.py":
                found += direct_writes(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    assert not found, found


def test_the_scan_sees_direct_writes():
    """The scan is not vacuous: each kind of direct write is flagged."""
    src = ("Path('x').write_text('y')\nopen('f', 'w')\nopen(p, mode='a')\nos.replace(a, b)\n"
           "df.to_csv('out.csv')\nfig.savefig(path)\nopen('f')\nfig.savefig(buf)\n")
    assert [x.split(" ", 1)[0] for x in direct_writes(src, "m")] == ["m:1", "m:2", "m:3", "m:4", "m:5", "m:6"]
