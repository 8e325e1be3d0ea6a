"""PDFs of the letters, made by LibreOffice where it is installed; without it, a note."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_TIMEOUT_SECONDS = 300
PDF_BATCH = 50


def to_pdf(documents: list[Path], folder: Path) -> tuple[list[Path], str | None]:
    """PDFs beside the documents, made by LibreOffice in batches; its absence or failure is a
    note for the analyst, never an error."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not documents:
        return [], None
    if office is None:
        return [], "geen PDF gemaakt: LibreOffice (soffice) is op deze computer niet gevonden"
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
                failure = f"LibreOffice gaf een fout ({error})"
                break
    made = [path.with_suffix(".pdf") for path in documents]
    present = [path for path in made if path.is_file()]
    if len(present) == len(made):
        return present, None
    if not present:
        return [], f"geen PDF gemaakt: {failure or 'LibreOffice maakte geen PDF'}"
    absent = ", ".join(path.name for path in made if not path.is_file())
    return present, f"geen PDF gemaakt van: {absent}" + (f"; {failure}" if failure else "")
