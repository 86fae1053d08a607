"""The Content Security Policy every environment sends, and the templates that
keep to it. tests/browser/test_content_security_policy.py opens the pages in
Chromium with the policy enforced."""

import base64
import hashlib
import re
from pathlib import Path

import simple_history
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PAGINATOR_STYLE = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": f"'unsafe-hashes' {PAGINATOR_STYLE}",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Rendered for WeasyPrint into a PDF, never sent to a browser.
NOT_FOR_BROWSERS = {"bulletins/bulletin_pdf.html"}
# What the policy refuses in a template: a <script> with a body (JSON data
# from json_script is not run), an on…= handler, a style element or
# attribute, a javascript: address.
REFUSED = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "javascript address": re.compile(r"javascript:", re.IGNORECASE),
}


def policy_of(header: str) -> dict[str, str]:
    """The directives of a Content-Security-Policy header (their order varies)."""
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value for name, value in directives}


def test_every_page_carries_the_content_security_policy(client, db):
    """The base settings send the policy, so tests and development meet it too."""
    answers = [client.get(path) for path in ["/public/cases/new/", "/accounts/login/"]]
    answers.append(client.get("/api/v1/docs"))

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [policy_of(answer["Content-Security-Policy"]) for answer in answers] == [POLICY] * 3


def test_no_template_holds_what_the_policy_refuses():
    folders = [ROOT / "templates", *sorted((ROOT / "luodi").glob("*/templates"))]
    found = {
        f"{template.relative_to(folder)}: {kind}"
        for folder in folders
        for template in folder.rglob("*.html")
        if str(template.relative_to(folder)) not in NOT_FOR_BROWSERS
        for kind, pattern in REFUSED.items()
        if pattern.search(template.read_text(encoding="utf-8"))
    }

    assert found == set()


def test_the_one_style_attribute_let_through_is_the_history_pages_paginator():
    """If django-simple-history changes its template, the hash must follow."""
    template = (
        Path(simple_history.__file__).parent
        / "templates"
        / "simple_history"
        / "object_history_list.html"
    )
    styles = re.findall(r'\sstyle="([^"]*)"', template.read_text(encoding="utf-8"))
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in styles
    }

    assert styles == ["border-top: 0"]
    assert hashes == {PAGINATOR_STYLE}
