"""Form widgets the pages share."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. It holds an ISO date whatever the page's
    language: Chinese formats a date as 2024/03/18, which the picker cannot
    show, so it would appear empty (and, when required, refuse to submit)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
