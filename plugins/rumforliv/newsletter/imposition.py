"""Page geometry after layout: the trimmed A5 and the booklet for an office copier.

Both are made from the print shop's PDF (A5 + bleed), so every issue is laid
out once. Pure functions from that PDF to PDF bytes (pypdf); give them one
`PdfReader` of it and it is parsed once for both.

The booklet prints A5 pages 2-up on A4 landscape, duplex with short-edge
flip; folded and stapled in the middle, the sheets read as a booklet. Each
page becomes a form XObject clipped to its TrimBox and is placed with one
`cm ... Do`, so no content stream is parsed or rewritten.
"""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
)

A4_LANDSCAPE = (841.89, 595.28)  # points


def sheet_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """(left, right) page numbers per sheet side, saddle-stitch order.

    A right-to-left booklet (Arabic, Urdu) is bound on the right: each pair is mirrored,
    so the front cover is the left half of the first side.

    >>> sheet_order(8)
    [(8, 1), (2, 7), (6, 3), (4, 5)]
    >>> sheet_order(8, rtl=True)
    [(1, 8), (7, 2), (3, 6), (5, 4)]
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"a booklet needs a multiple of 4 pages, not {pages}")
    pairs = [(pages - k, k + 1) if k % 2 == 0 else (k + 1, pages - k) for k in range(pages // 2)]
    return [(right, left) for left, right in pairs] if rtl else pairs


def reading_direction(writer: PdfWriter, rtl: bool) -> None:
    """/Direction /R2L: viewers show a right-to-left issue's spreads with page 1 on the right."""
    if rtl:
        preferences = writer.viewer_preferences or writer.create_viewer_preferences()
        preferences.direction = NameObject("/R2L")


def indirect(writer: PdfWriter, stream) -> IndirectObject:
    """`stream` as an object of its own in `writer` (a stream may not sit inside another object):
    pypdf's public way is to clone a new object into the writer."""
    stream.indirect_reference = None
    return stream.clone(writer).indirect_reference


def bound(pdf: bytes, rtl: bool = False) -> bytes:
    """The print shop's PDF, told its binding side (unchanged for a left-to-right issue)."""
    if not rtl:
        return pdf
    writer = PdfWriter(as_reader(pdf), incremental=True)
    reading_direction(writer, rtl)
    return written(writer)


def pdf_date(day: dt.date) -> str:
    """'D:20130301000000Z': fixed from the issue's date, never the clock."""
    return f"D:{day:%Y%m%d}000000Z"


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def as_reader(pdf: bytes | PdfReader) -> PdfReader:
    return pdf if isinstance(pdf, PdfReader) else PdfReader(io.BytesIO(pdf))


def trimmed(pdf: bytes | PdfReader, rtl: bool = False) -> bytes:
    """The same document cut to its TrimBox: A5 for screens and home printers.

    Tags, language and metadata stay (they are the print PDF's own objects);
    only the page boxes change, so the bleed is simply outside the page.
    """
    reader = as_reader(pdf)
    # An incremental update: the print PDF's bytes and the changed page objects after them, so the
    # A5 is written in a moment and weighs what the print PDF weighs (a full copy is four times that).
    writer = PdfWriter(reader, incremental=True)
    for page in writer.pages:
        trim = RectangleObject(page.trimbox)
        page.mediabox = trim
        for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
            if box in page:
                del page[box]
    reading_direction(writer, rtl)
    return written(writer)


def page_form(writer: PdfWriter, page) -> object:
    """The page as a form XObject whose BBox (its TrimBox) clips the bleed."""
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(stream.get_object().get_data() for stream in streams))
    trim = page.trimbox
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (trim.left, trim.bottom, trim.right, trim.top)),
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    return indirect(writer, form.flate_encode())


def impose(pdf: bytes | PdfReader, title: str, day: dt.date, rtl: bool = False) -> bytes:
    """The booklet: two trimmed pages per A4 landscape side, in saddle-stitch order."""
    reader = as_reader(pdf)
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    width, height = A4_LANDSCAPE
    forms = {}
    for pair in sheet_order(len(reader.pages), rtl):
        sheet = writer.add_blank_page(width=width, height=height)
        pages = [reader.pages[number - 1] for number in pair]
        x = (width - sum(float(p.trimbox.width) for p in pages)) / 2  # centre the spread
        drawing, xobjects = [], DictionaryObject()
        for number, page in zip(pair, pages):
            if number not in forms:
                forms[number] = page_form(writer, page)
            trim = page.trimbox
            y = (height - float(trim.height)) / 2
            name = f"/P{number}"
            xobjects[NameObject(name)] = forms[number]
            drawing.append(f"q 1 0 0 1 {x - float(trim.left):.3f} {y - float(trim.bottom):.3f} cm {name} Do Q")
            x += float(trim.width)
        content = DecodedStreamObject()
        content.set_data("\n".join(drawing).encode())
        sheet[NameObject("/Contents")] = indirect(writer, content)
        sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    writer.add_metadata(
        {
            "/Title": title,
            "/Producer": "pypdf (booklet imposition)",
            "/CreationDate": pdf_date(day),
            "/ModDate": pdf_date(day),
        }
    )
    reading_direction(writer, rtl)
    return written(writer)
