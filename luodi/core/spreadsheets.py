"""Writing spreadsheet cells that can never run as formulas."""

from typing import Any

# Text beginning with one of these can be taken for a formula by a
# spreadsheet program (openpyxl itself stores text beginning with "=" as one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_cell(cell: Any, value: Any) -> None:
    """Numbers stay numbers; text is stored as text, and text that a
    spreadsheet could read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str):
        cell.value = "'" + value if value.startswith(FORMULA_STARTS) else value
        cell.data_type = "s"
    else:
        cell.value = value
