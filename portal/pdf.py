"""PDF rendering: HTML through WeasyPrint as a tagged PDF/UA-1 document.

Fonts are the machine's installed DejaVu fonts (fontconfig); nothing is fetched from the
network: `url_fetcher` refuses anything but local files under the project. Render in
Celery tasks, never in a web request (a 40-page report takes seconds).

The print stylesheet (`templates/pdf/print.css`) is parsed once per process into a
WeasyPrint `CSS` object, with one `FontConfiguration` the documents share (`shared()`;
a worker process builds both when it starts: `portal.celery`), instead of being parsed
from a `<style>` element in every document.
"""
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"
PRINT_CSS = "pdf/print.css"
_shared = {}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _local_only(url, timeout=10, ssl_context=None):
    from weasyprint import default_url_fetcher

    if not url.startswith("file://"):
        raise ValueError(f"PDF rendering fetches nothing from the network ({url[:60]})")
    path = Path(url.removeprefix("file://")).resolve()
    if not path.is_relative_to(Path(settings.BASE_DIR).resolve()):
        raise ValueError("PDF rendering reads only the project's own files")
    return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)


def document_html(*, title: str, body: str, running_header: str,
                  template: str = "pdf/base.html") -> str:
    """Wrap a body in the print layout (A4, running header, page numbers, en-GB)."""
    return render_to_string(template, {"title": title, "body": body,
                                       "running_header": running_header})


def shared():
    """(font configuration, [print stylesheet]) built once per process."""
    if not _shared:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        css = CSS(string=render_to_string(PRINT_CSS), font_config=fonts,
                  base_url=str(settings.BASE_DIR), url_fetcher=_local_only)
        _shared.update(fonts=fonts, stylesheets=[css])
    return _shared["fonts"], _shared["stylesheets"]


def render_pdf(html: str, *, base_url: str | None = None) -> RenderedPdf:
    from weasyprint import HTML

    fonts, stylesheets = shared()
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR),
                    url_fetcher=_local_only).render(
        pdf_variant=PDF_VARIANT, stylesheets=stylesheets, font_config=fonts)
    return RenderedPdf(content=document.write_pdf(pdf_variant=PDF_VARIANT),
                       page_count=len(document.pages))


def sha256_of(file) -> str:
    """The sha256 of a stored file, read in chunks."""
    digest = hashlib.sha256()
    file.open("rb")
    try:
        for chunk in file.chunks():
            digest.update(chunk)
    finally:
        file.close()
    return digest.hexdigest()
