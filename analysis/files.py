"""Writing files so that a reader never sees half of one: a temporary name, then a rename."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

TMP_MARK = ".tmp-"  # in the temporary names, so a restarted run can clear what a killed one left


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write data to path under a temporary name in the same folder, then rename it into place
    (mode 0644, like any other file: reports and tables are for sharing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
