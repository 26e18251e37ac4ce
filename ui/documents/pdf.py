"""The Word report as PDF, by LibreOffice on the server (no internet needed), fonts embedded."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

# A cold LibreOffice start takes a few seconds; a hung one must not hold the page for ever.
TIMEOUT_SECONDS = 120


def converter() -> str | None:
    """The LibreOffice binary, or None where it is not installed (then there is no PDF)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes | None:
    """Convert with ``soffice --headless --convert-to pdf``; None without LibreOffice.

    A private profile directory per call: two conversions at once would otherwise fight over
    the user's profile lock. The fontconfig file maps the report's Chinese font names to the
    Noto CJK fonts LibreOffice then embeds.
    """
    binary = converter()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="paicha-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        fonts = resources.files("ui.documents").joinpath("fonts.conf")
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": tmp}
        subprocess.run([binary, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(work), str(source)],
                       check=True, capture_output=True, timeout=TIMEOUT_SECONDS, env=env)
        return (work / "report.pdf").read_bytes()
