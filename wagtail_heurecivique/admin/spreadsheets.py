"""The back office's spreadsheet exports: what the public typed is never run as a formula.

Names, descriptions and addresses come from public forms. A CSV cell that starts with
``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is a formula for
Excel and LibreOffice — ``=HYPERLINK("https://…", "Cliquez")`` would be a link in the
town hall's spreadsheet. Such cells get a leading apostrophe, which both programs read as
"this is text" (OWASP, *CSV injection*). XLSX needs nothing: Wagtail writes every cell
openpyxl takes for a formula as a text cell.
"""

#: What a spreadsheet program reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` with a leading apostrophe if it is text starting like a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    """Before a view with Wagtail's ``SpreadsheetExportMixin``: its CSV rows, neutralised."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
