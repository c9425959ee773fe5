"""Writing files so that a reader never sees half of one, or half of a set; CSV cells a spreadsheet
will not run.

- `write_atomic(path, data)`: one file, under a temporary name, then renamed into place.
- `write_set(folder, files)`: several files that belong together (an article's tables, a report and
  its notebook), all written before any appears. A folder that holds nothing else is swapped whole:
  the set is written into a staging folder beside it, which one rename puts in its place. In a
  folder shared with other files, the set is staged inside it and renamed in file by file once
  every file is complete, so a full disk or a failed write leaves the old set as it was.
- `staging_folder(folder)` / `swap_in(staging, folder)`: the same swap for a folder filled by others
  (extract-corpus's Parquet datasets).
- `clean_temporaries(folder)`: what a killed run left (temporary files, staging folders), never
  what a live process is still writing: every temporary name carries its writer's pid.
- `InputError`: the one-line error any stage raises for a file it cannot use (the CLI prints it
  and exits 2).
- `csv_text(frame)` / `csv_value(text)`: OWASP's rule against formula injection: a text cell that
  starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet
  shows it instead of running it; `csv_value` undoes it when a CSV is read back.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Mapping

TMP_MARK = ".tmp-"  # in the temporary names, so a restarted run can clear what a killed one left
OLD_MARK = ".old-"  # a folder moved aside while its replacement is renamed in
_TEMP_NAME = re.compile(rf"^\..*(?:{re.escape(TMP_MARK)}|{re.escape(OLD_MARK)})(\d+)-[0-9a-f]+$")
FORMULA = re.compile(r"^'*[=+\-@\t\r]")  # what a spreadsheet would run (the quotes keep it reversible)
QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")


class InputError(ValueError):
    """A file or folder that cannot be used as asked; the message is one line that names it."""


def _tag() -> str:
    """The unique end of a temporary name: the writer's pid and a random part."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:6]}"


def _write(path: Path, data: str | bytes) -> None:
    """Write data to a new file at path, mode 0644 (reports and tables are for sharing)."""
    with open(path, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.chmod(path, 0o644)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write data to path under a temporary name in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{_tag()}")
    try:
        _write(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_set(folder: Path, files: Mapping[str, str | bytes], whole: bool | None = None) -> None:
    """Write files (name -> data) into folder, all or nothing. whole=True replaces the folder by
    exactly these files; None does so where the folder holds nothing but files of this set."""
    folder = Path(folder).resolve()
    clean_temporaries(folder.parent, prefix=f".{folder.name}")
    if whole is None:
        whole = not folder.exists() or (folder.is_dir() and set(_entries(folder)) <= set(files))
    if whole:
        try:
            return _swap_folder(folder, files)
        except OSError as err:  # a mount point, a parent we may not write: swap file by file instead
            if err.errno not in _CANNOT_SWAP or not folder.is_dir():
                raise
    _rename_in(folder, files)
    if whole:
        for name in set(_entries(folder)) - set(files):
            (folder / name).unlink(missing_ok=True)


_CANNOT_SWAP = {errno.EBUSY, errno.EXDEV, errno.EACCES, errno.EPERM, errno.EROFS, errno.EINVAL}


def _entries(folder: Path) -> list[str]:
    """Names in a folder other than temporaries."""
    return [p.name for p in folder.iterdir() if not _TEMP_NAME.match(p.name)]


def staging_folder(folder: Path) -> Path:
    """A new, empty staging folder beside folder, for `swap_in` (the caller fills it)."""
    folder = Path(folder).resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    clean_temporaries(folder.parent, prefix=f".{folder.name}")
    staging = folder.with_name(f".{folder.name}{TMP_MARK}{_tag()}")
    os.mkdir(staging)
    return staging


def swap_in(staging: Path, folder: Path) -> None:
    """Put a filled staging folder in folder's place: the old folder is moved aside, the staging
    folder renamed to folder (one rename), the old one removed."""
    folder = Path(folder).resolve()
    old = folder.with_name(f".{folder.name}{OLD_MARK}{_tag()}")
    if folder.exists():
        os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except BaseException:
        if old.exists() and not folder.exists():
            os.rename(old, folder)
        raise
    _remove(old)


def _remove(path: Path) -> None:
    """Remove a file or a folder tree, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _swap_folder(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write the set into a staging folder beside folder, then rename it into folder's place."""
    staging = staging_folder(folder)
    try:
        for name, data in files.items():
            _write(staging / name, data)
        swap_in(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _rename_in(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Write the set into a staging folder inside folder, then rename each file into place."""
    folder.mkdir(parents=True, exist_ok=True)
    clean_temporaries(folder)
    staging = folder / f".set{TMP_MARK}{_tag()}"
    try:
        os.mkdir(staging)
        for name, data in files.items():
            _write(staging / name, data)
        for name in files:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process with this pid runs (on this machine)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_temporaries(folder: Path, prefix: str = ".") -> None:
    """Remove the temporary files and staging folders that dead processes left in folder (names
    starting with prefix); a folder moved aside by a run killed mid-swap is put back first."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        match = _TEMP_NAME.match(path.name)
        if not match or not path.name.startswith(prefix) or _alive(int(match.group(1))):
            continue
        if OLD_MARK in path.name and path.is_dir():
            original = folder / path.name[1:].rsplit(OLD_MARK, 1)[0]
            if not original.exists():
                os.rename(path, original)  # the replacement never arrived: the old set stays
                continue
        _remove(path)


def csv_value(text: str) -> str:
    """A cell read back from one of our CSVs: the leading quote csv_text added taken off."""
    return text[1:] if QUOTED_FORMULA.match(text) else text


def _neutral(text: str) -> str:
    """One text cell as a spreadsheet may safely open it."""
    return "'" + text if FORMULA.match(text) else text


def csv_text(frame) -> str:
    """A frame as CSV text (no index) with every text cell that a spreadsheet would run as a formula
    neutralised; numbers stay numbers. Written with the csv module where every column is text or whole
    numbers (our tables: a few times faster), else by pandas; the same text either way."""
    import pandas as pd

    kinds = [_csv_kind(frame[column].dtype) for column in frame.columns]
    if frame.columns.is_unique and all(kinds):
        return _plain_csv(frame, kinds)
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            safe[column] = values.map(lambda v: _neutral(v) if isinstance(v, str) else v, na_action="ignore")
    return safe.to_csv(index=False)


def _csv_kind(dtype) -> str | None:
    """'text' for a column of strings, 'whole' for one of integers (missing values allowed), else None."""
    import pandas as pd

    if isinstance(dtype, pd.StringDtype):
        return "text"
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return "whole"
    return None


def _plain_csv(frame, kinds: list[str]) -> str:
    """The frame written as pandas writes it (empty cells for missing values, minimal quoting, "\n"),
    with the csv module."""
    import csv
    import io

    import pandas as pd

    columns = []
    for column, kind in zip(frame.columns, kinds):
        cells = frame[column].tolist()
        if kind == "text":
            columns.append(["" if v is None or v is pd.NA or v != v else _neutral(v) for v in cells])
        else:
            columns.append(["" if v is None or v is pd.NA or v != v else str(int(v)) for v in cells])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*columns))
    return buffer.getvalue()
