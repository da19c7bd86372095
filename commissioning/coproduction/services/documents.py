"""Papers consulted on (PDF, DOCX): checked by their content (magic bytes), not only their
name, and by size; stored through Django's storage under a name of our own."""
import io
import uuid
import zipfile

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.errors import ApplicationError, ErrorCode

from .. import permissions
from ..models import ConsultationDocument, DocumentKind
from .common import clean_text, require, save

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", DOCX: "docx"}


def max_bytes() -> int:
    return getattr(settings, "COPRODUCTION_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)


def sniff(head: bytes, upload) -> str | None:
    """The document's real type from its content: a PDF starts "%PDF-"; a DOCX is a zip
    holding [Content_Types].xml and word/document.xml. None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    return None


def check_upload(upload) -> str:
    """The content type of an acceptable upload; raises with the field's error."""
    if upload is None:
        raise ApplicationError("Choose a file.", errors={"file": ["Select a PDF or DOCX file"]})
    limit = max_bytes()
    if upload.size == 0:
        raise ApplicationError("The file is empty.", errors={"file": ["The selected file is "
                                                                      "empty"]})
    if upload.size > limit:
        raise ApplicationError("The file is too big.", errors={"file": [
            f"The selected file must be smaller than {limit // (1024 * 1024)} MB"]})
    upload.seek(0)
    head = upload.read(8)
    kind = sniff(head, upload)
    upload.seek(0)
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") \
        else ""
    if kind is None or EXTENSIONS[kind] != extension:
        raise ApplicationError("The file must be a PDF or a Word (DOCX) document.",
                               errors={"file": ["The selected file must be a PDF or DOCX"]})
    return kind


def _display_name(name: str, content_type: str) -> str:
    stem = (name or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    safe = "".join(c if c.isalnum() or c in " -_()" else "-" for c in stem).strip() or \
        "document"
    return f"{safe[:150]}.{EXTENSIONS[content_type]}"


@transaction.atomic
def document_add(*, actor, consultation, title, upload, kind=DocumentKind.FULL,
                 summary="") -> ConsultationDocument:
    require(permissions.can_manage_documents(actor, consultation))
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Enter the document's title"]
    elif len(title) > 200:
        errors["title"] = ["The title must be 200 characters or fewer"]
    if kind not in DocumentKind.values:
        errors["kind"] = ["Select what the document is"]
    try:
        summary = clean_text(summary, "summary", required=False, label="summary")
    except ApplicationError as exc:
        errors.update(exc.errors)
    try:
        content_type = check_upload(upload)
    except ApplicationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ApplicationError("Check the document.", errors=errors)
    document = ConsultationDocument(
        consultation=consultation, title=title, kind=kind, summary=summary,
        filename=_display_name(upload.name, content_type), content_type=content_type,
        size=upload.size, uploaded_by=actor)
    document.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", upload, save=False)
    try:
        return save(document, actor)
    except Exception:
        document.file.delete(save=False)
        raise


@transaction.atomic
def document_remove(*, actor, document) -> ConsultationDocument:
    """Taken off the pages; the file and its record stay (audited)."""
    document = ConsultationDocument.objects.select_for_update(of=("self",)).select_related(
        "consultation__intention").get(pk=document.pk)
    require(permissions.can_manage_documents(actor, document.consultation))
    if document.removed_at is not None:
        raise ApplicationError("This document has already been removed.",
                               code=ErrorCode.CONFLICT)
    document.removed_at = timezone.now()
    return save(document, actor)
