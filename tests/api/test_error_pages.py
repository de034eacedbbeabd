"""The shell's error pages say in the page's language what a status means, and a validation error's problems
in words; the API keeps Starlette's and pydantic's English in its problem JSON (a stable contract)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError, field_validator

from naravard.web.errors import STATUS_TEXTS, TITLES, validation_messages
from naravard.web.i18n import catalogue


def test_every_status_text_and_heading_has_swedish() -> None:
    missing = [text for text in (*STATUS_TEXTS.values(), *TITLES.values()) if text not in catalogue()]
    assert not missing


def test_html_errors_are_swedish_and_the_api_keeps_problem_json(client: TestClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte" in page.text and "Det finns ingen sida på den här adressen" in page.text
    assert "Not Found" not in page.text

    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"] == "Not Found"

    not_allowed = client.delete("/login")
    assert not_allowed.status_code == 405 and "GET" in not_allowed.headers["allow"]
    assert "Inte möjligt här" in not_allowed.text and "Method Not Allowed" not in not_allowed.text
    api_not_allowed = client.delete("/api/auth/me")
    assert api_not_allowed.status_code == 405 and api_not_allowed.json()["detail"] == "Method Not Allowed"

    client.cookies.set("lang", "en")
    english = client.get("/no-such-page")
    assert "Page not found" in english.text and "There is no page at this address." in english.text


def test_an_api_validation_error_keeps_pydantics_words(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"username": "x"})
    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "invalid" and "Field required" in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "password"]


class Form(BaseModel):
    count: int
    email: str = Field(max_length=5)
    code: str = Field(pattern=r"^[A-Z]+$")
    note: str = ""

    @field_validator("note")
    @classmethod
    def _no_shouting(cls, value: str) -> str:
        if value.isupper():  # one message without Swedish, one with
            raise ValueError("no shouting" if value == "HEJ" else "Saved.")
        return value


def _errors(**values: Any) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        Form(**values)
    return [{**error, "loc": ("body", *error["loc"])} for error in caught.value.errors()]


def test_validation_messages_in_swedish_and_english() -> None:
    errors = _errors(count="x", email="toolong", code="abc")
    assert validation_messages(errors, "sv") == [
        "”count” i formuläret: måste vara ett heltal",
        "”email” i formuläret: får vara högst 5 tecken",
        "”code” i formuläret: har inte den form som väntas",
    ]
    assert validation_messages(errors, "en") == [
        "“count” in the form: must be a whole number",
        "“email” in the form: may be at most 5 characters",
        "“code” in the form: is not in the expected form",
    ]
    missing = [{"type": "missing", "loc": ("query", "q"), "msg": "Field required"}]
    assert validation_messages(missing, "sv") == ["”q” i adressen: saknas"]
    whole = [{"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error", "ctx": {"error": "x"}}]
    assert validation_messages(whole, "sv") == ["Det som skickades: är inte giltig JSON"]
    odd = [{"type": "something_new", "loc": (), "msg": "Something new"}]
    assert validation_messages(odd, "sv") == ["Det som skickades: har ett värde som inte godtas"]


def test_a_validators_own_message_is_shown_only_when_it_has_swedish() -> None:
    untranslated = _errors(count=1, email="a", code="A", note="HEJ")
    assert validation_messages(untranslated, "sv") == ["”note” i formuläret: har ett värde som inte godtas"]
    assert validation_messages(untranslated, "en") == ["“note” in the form: no shouting"]
    translated = _errors(count=1, email="a", code="A", note="SAVED")
    assert validation_messages(translated, "sv") == ["”note” i formuläret: Sparat."]
