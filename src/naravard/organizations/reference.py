"""Municipality codes (SCB kommunkoder) of Region Gävleborg, for display."""

MUNICIPALITY_NAMES: dict[str, str] = {
    "2101": "Ockelbo",
    "2104": "Hofors",
    "2121": "Ovanåker",
    "2132": "Nordanstig",
    "2161": "Ljusdal",
    "2180": "Gävle",
    "2181": "Sandviken",
    "2182": "Söderhamn",
    "2183": "Bollnäs",
    "2184": "Hudiksvall",
}


def municipality_name(code: str | None) -> str | None:
    if code is None:
        return None
    return MUNICIPALITY_NAMES.get(code, code)
