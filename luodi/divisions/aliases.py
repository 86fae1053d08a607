"""The other names a division goes by in reports: 东乌旗 for 东乌珠穆沁旗, 锡盟 for
锡林郭勒盟, 鄂尔多斯 for 鄂尔多斯市.

Two sources: the full name without its 市, 盟, 旗 or 县 when at least three
characters remain (a shorter stem, like 包头 or 根河, is too often part of
other words to be guessed), and the short forms in use in each province,
listed below by GB/T 2260 code. A province that needs its own adds them here."""

KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    # Inner Mongolia
    "150000": ("内蒙古",),
    "150100": ("呼市",),
    "150200": ("包头",),
    "150300": ("乌海",),
    "150400": ("赤峰",),
    "150500": ("通辽",),
    "150600": ("鄂市",),
    "152500": ("锡盟",),
    "152900": ("阿盟",),
    "150121": ("土左旗",),
    "150221": ("土右旗",),
    "150223": ("达茂旗", "达茂"),
    "150421": ("阿旗",),
    "150521": ("科左中旗",),
    "150522": ("科左后旗",),
    "150603": ("康巴什",),
    "150622": ("准旗",),
    "150623": ("鄂前旗",),
    "150627": ("伊旗",),
    "150722": ("莫旗",),
    "150723": ("鄂伦春旗",),
    "150724": ("鄂温克旗",),
    "150725": ("陈旗",),
    "150726": ("新左旗",),
    "150727": ("新右旗",),
    "150823": ("乌前旗",),
    "150824": ("乌中旗",),
    "150825": ("乌后旗",),
    "150826": ("杭后",),
    "150926": ("察右前旗",),
    "150927": ("察右中旗",),
    "150928": ("察右后旗",),
    "152221": ("科右前旗",),
    "152222": ("科右中旗",),
    "152523": ("东苏旗",),
    "152524": ("西苏旗",),
    "152525": ("东乌旗",),
    "152526": ("西乌旗",),
    "152921": ("阿左旗",),
    "152922": ("阿右旗",),
}

_STEMMED_SUFFIXES = ("市", "盟", "旗", "县")


def division_names(*, code: str, name: str) -> list[str]:
    """Every name the division may be written as, its full name first."""
    names = [name]
    for suffix in _STEMMED_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 3:
            names.append(name[: -len(suffix)])
    names.extend(KNOWN_ALIASES.get(code, ()))
    return list(dict.fromkeys(names))
