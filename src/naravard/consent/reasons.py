"""The stated reason for emergency access must be words a log reviewer can judge (PDL 4 kap. 3 §: access
is followed up), not ten invisible or repeated characters that pass a length check."""

from __future__ import annotations

import re
import unicodedata

from naravard.errors import Invalid

MIN_REASON_LENGTH = 10
MAX_REASON_LENGTH = 1000
MIN_WORDS = 2  # words of at least two letters
MIN_DISTINCT_LETTERS = 5
# Control (Cc), format (Cf: zero-width spaces and joiners, bidi marks), private-use (Co), unassigned (Cn)
# and surrogates (Cs) have no place in a reason; line and paragraph separators count as spaces.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})
_WORD = re.compile(r"[^\W\d_]{2,}")


def clean_reason(text: str | None) -> str:
    """The reason in NFC with runs of white space made one space; `Invalid` when it is not words."""
    raw = unicodedata.normalize("NFC", text or "")
    raw = raw.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in raw):
        raise Invalid("the reason may not contain control or invisible characters", field="reason")
    reason = " ".join(raw.split())
    if len(reason) > MAX_REASON_LENGTH:
        raise Invalid("the reason may be at most 1000 characters", field="reason")
    words = _WORD.findall(reason)
    letters = {ch.lower() for ch in reason if ch.isalpha()}
    if len(reason) < MIN_REASON_LENGTH or len(words) < MIN_WORDS or len(letters) < MIN_DISTINCT_LETTERS:
        raise Invalid(
            "state the reason for emergency access in words (at least 10 characters and two words)",
            field="reason",
        )
    return reason
