"""An emergency reason is words a log reviewer can judge (issue 22: ten zero-width spaces, ten NULs or
'aaaaaaaaaa' were accepted)."""

from __future__ import annotations

import pytest

from naravard.consent.reasons import clean_reason
from naravard.errors import Invalid


@pytest.mark.parametrize(
    "text",
    [
        "\u200b" * 10,  # zero-width spaces
        "\x00" * 10,
        "aaaaaaaaaa",
        "a" * 5 + " " + "a" * 5,
        "Akut\u200b inkommen via ambulans",  # words, but an invisible character inside
        "Akut\u202e inkommen via ambulans",  # a right-to-left override
        "Akut\x07 inkommen",
        "kort" + " " * 8,
        "1234567890 1234",
        "ab ab ab ab ab",  # two letters only
        "",
        "Akut " * 250,  # over 1000 characters
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(Invalid) as exc:
        clean_reason(text)
    assert exc.value.field == "reason"


def test_words_pass_normalised() -> None:
    assert (
        clean_reason("  Akut inkommen\n via   ambulans, medvetslös ")
        == "Akut inkommen via ambulans, medvetslös"
    )
    assert clean_reason("Bröstsmärta, kan ej svara") == "Bröstsmärta, kan ej svara"
    # NFC: a decomposed å reads as the one character
    assert clean_reason("Sva\u030art sjuk, akut") == "Svårt sjuk, akut"
