"""Byte-identical output files: fixed timestamps inside ZIP-based formats (XLSX) and stable hashes."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

# Any fixed moment will do; this one is recognisable as "not a real timestamp" in file properties.
FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_ISO_TIME = "2000-01-01T00:00:00Z"
_CORE_TIMES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_xlsx(path: Path | str) -> None:
    """Rewrite an XLSX so that saving the same content twice gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and into every ZIP entry; both are replaced by a fixed time.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    temporary = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_TIMES.sub(rf"\g<1>{FIXED_ISO_TIME}\g<2>", data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    temporary.replace(path)
