"""PDFs of the letters, made by LibreOffice where it is installed; without it, a note."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_TIMEOUT_SECONDS = 300
PDF_BATCH = 50


class Note(str):
    """A short Dutch note for the analyst and the index page, carrying the technical detail
    (LibreOffice's error, paths) that belongs in ``run.json`` only."""

    detail: str | None

    def __new__(cls, text: str, detail: str | None = None) -> Note:
        note = super().__new__(cls, text)
        note.detail = detail
        return note


def _failure(error: Exception) -> str:
    """LibreOffice's error with what it printed, for ``run.json``."""
    output = getattr(error, "stderr", None) or b""
    text = output.decode(errors="replace").strip() if isinstance(output, bytes) else str(output)
    return f"{type(error).__name__}: {error}" + (f"; {text}" if text else "")


def to_pdf(documents: list[Path], folder: Path) -> tuple[list[Path], Note | None]:
    """PDFs beside the documents, made by LibreOffice in batches; its absence or failure is a
    note for the analyst, never an error."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not documents:
        return [], None
    if office is None:
        return [], Note("geen PDF gemaakt: LibreOffice (soffice) is op deze computer niet "
                        "gevonden")
    failure = None
    with tempfile.TemporaryDirectory(prefix="lo-profiel-") as profile:
        # in batches: one LibreOffice call was seen to stop silently after some 250 documents
        for first in range(0, len(documents), PDF_BATCH):
            batch = documents[first:first + PDF_BATCH]
            try:
                subprocess.run([office, f"-env:UserInstallation={Path(profile).as_uri()}",
                                "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                                str(folder), *map(str, batch)],
                               check=True, capture_output=True, timeout=PDF_TIMEOUT_SECONDS)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
                failure = _failure(error)
                break
    made = [path.with_suffix(".pdf") for path in documents]
    present = [path for path in made if path.is_file()]
    if len(present) == len(made):
        return present, None
    absent = [path.name for path in made if not path.is_file()]
    cause = "LibreOffice gaf een fout" if failure else "LibreOffice maakte ze niet"
    count = f"{len(absent)} {'brief' if len(absent) == 1 else 'brieven'}"
    text = (f"geen PDF gemaakt: {cause}" if not present else
            f"geen PDF gemaakt van {count}: {cause}")
    return present, Note(text, f"zonder PDF: {', '.join(absent)}"
                               + (f"; {failure}" if failure else ""))
