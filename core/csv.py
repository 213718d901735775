"""Spreadsheet downloads, CSV (streamed row by row, constant memory) and
XLSX, with user text that a spreadsheet program never runs.

CSV injection: a cell whose text starts with ``= + - @``, a tab or a carriage
return is run as a formula by Excel, LibreOffice and Google Sheets. A cell is
also split where the reader's list separator appears — ``;`` in Indonesian
Excel, ``,`` elsewhere — so every piece of a cell after a ``;`` or ``,`` is
a cell start too. Each such start gets a leading apostrophe (OWASP's advice),
and every CSV field is quoted so that a separator inside a cell stays inside
it. In XLSX every text cell is written as a string (never a formula), and
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# A formula trigger at the start of the cell or of a piece after a separator.
_TRIGGER = re.compile(r"(^|[;,])(\s*)(?=[=+\-@\t\r])")
# What XML 1.0 cannot carry (openpyxl refuses it).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """A file-like object whose ``write`` hands back what it was given."""

    def write(self, value):
        return value


def safe_cell(value):
    """Keep spreadsheet programs from running text as a formula (CSV injection)."""
    if isinstance(value, str):
        return _TRIGGER.sub(r"\1\2'", value)
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """A streamed CSV attachment; every text cell goes through ``safe_cell``
    and every field is quoted."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)

    def stream():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(
    filename: str, sheet_name: str, header: list[str], rows: Iterable[list]
) -> HttpResponse:
    """An XLSX attachment; text cells are strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])

    def cells(values):
        out = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=_NOT_XML.sub("", value))
                cell.data_type = "s"  # stored as text even when it starts with "="
                out.append(cell)
            else:
                out.append(value)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
