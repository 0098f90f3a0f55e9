"""Checks on uploaded documents: size, a safe name, and a type recognised by content, not by extension."""

from __future__ import annotations

import html
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser

from common.errors import DomainError

# Extension → the kind the content must be.
ALLOWED = {
    "pdf": "pdf",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "doc": "ole",
    "xls": "ole",
    "ppt": "ole",
    "txt": "text",
    "csv": "text",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ole": "application/octet-stream",
    "text": "text/plain; charset=utf-8",
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def _refuse(message) -> DomainError:
    return DomainError("bad_upload", message, fields={"file": [str(message)]})


def _kind_of(head: bytes, upload: UploadedFile) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            upload.seek(0)
            names = zipfile.ZipFile(upload).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for kind, prefix in OOXML_PARTS.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
        return None
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sample.
            try:
                head[:-3].decode("utf-8")
                return "text"
            except UnicodeDecodeError:
                return None
    return None


def check_upload(upload: UploadedFile) -> CheckedUpload:
    name = upload.name or ""
    if not name or "/" in name or "\\" in name or name.startswith(".") or any(ord(c) < 32 for c in name):
        raise _refuse(_("文件名不合法。"))
    if len(name) > 200:
        raise _refuse(_("文件名过长。"))
    if upload.size > settings.MARKET_ATTACHMENT_MAX_BYTES:
        raise _refuse(_("文件过大（上限 {mb} MB）。").format(mb=settings.MARKET_ATTACHMENT_MAX_BYTES // (1024 * 1024)))
    if upload.size == 0:
        raise _refuse(_("文件为空。"))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = ALLOWED.get(extension)
    if expected is None:
        raise _refuse(_("不支持的文件类型，请上传 PDF、图片、Office 文档或文本文件。"))
    upload.seek(0)
    head = upload.read(4096)
    actual = _kind_of(head, upload)
    upload.seek(0)
    if actual != expected:
        raise _refuse(_("文件内容与扩展名不符。"))
    return CheckedUpload(name=name, content_type=CONTENT_TYPES[actual], size=upload.size)


class _NoPathsInNames(DjangoMultiPartParser):
    def sanitize_file_name(self, file_name):
        raw = html.unescape(file_name or "")
        if "/" in raw or "\\" in raw or raw.startswith("..") or ":" in raw:
            # Django would quietly keep only the last part; a path in a file name is refused instead.
            raise _refuse(_("文件名不合法。"))
        return super().sanitize_file_name(file_name)


class CheckedMultiPartParser(MultiPartParser):
    """DRF's multipart parser, refusing file names that carry a path."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = _NoPathsInNames(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(str(exc)) from exc
        return DataAndFiles(data, files)
