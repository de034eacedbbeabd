"""Telling the patient who their fixed contacts are (PL 3 kap. 2 §): a notice per assignment, change or end.

`Notifier` is what the service calls in the assignment's transaction; `OutboxNotifier` writes the notice to the
outbox table (`contact_notice`), so a rolled-back assignment leaves no notice and a committed one always has
one. `naravard contacts deliver` (`service.deliver_notices`) sends the outbox through a `Channel`: the demo's
`DirectoryChannel` writes the message and the letter (PDF, WeasyPrint) to a folder, as a 1177-style inbox
would receive them; a real channel replaces it. Each notice is claimed before it is sent (status `sending`,
a versioned update, so two workers never claim one) and its id is the channel's idempotency key, so a worker
that dies after sending and before recording is never the cause of a second message. Failures are retried
with exponential back-off and listed as undelivered after the last try; a manager may send one again."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Protocol

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from naravard.contacts.models import FixedContact, Notice, NoticeStatus
from naravard.errors import Unavailable

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(minutes=1)  # 1, 2, 4, 8 minutes between tries


def backoff(attempts: int) -> timedelta:
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


class Notifier(Protocol):
    def notify(self, session: Session, *, contact: FixedContact, event: str, by: str) -> Notice: ...


class OutboxNotifier:
    """Writes the notice to the outbox in the caller's transaction."""

    channel = "message"

    def notify(self, session: Session, *, contact: FixedContact, event: str, by: str) -> Notice:
        notice = Notice(
            person_id=contact.person_id,
            fixed_contact_id=contact.id,
            event=event,
            channel=self.channel,
            status=NoticeStatus.PENDING.value,
            attempts=0,
            created_by=by,
        )
        session.add(notice)
        return notice


@dataclass(frozen=True)
class Letter:
    """What a notice says, in Swedish (the patient's letter is in Swedish; PL 3 kap. 7 § asks that information
    be adapted to the patient, an English letter on request is not built)."""

    notice_id: uuid.UUID
    event: str  # assigned | changed | ended
    patient_name: str
    address_lines: list[str]  # empty for a protected identity: the letter goes through the 1177 inbox only
    kind: str  # doctor | care_contact
    practitioner_name: str
    profession: str
    unit_name: str
    organization_name: str
    valid_from: date
    valid_to: date | None
    today: date


PROFESSION_SV = {
    "doctor": "läkare",
    "nurse": "sjuksköterska",
    "physiotherapist": "fysioterapeut",
    "occupational_therapist": "arbetsterapeut",
    "psychologist": "psykolog",
    "dietitian": "dietist",
    "pharmacist": "farmaceut",
}


def subject(letter: Letter) -> str:
    what = "fasta läkarkontakt" if letter.kind == "doctor" else "fasta vårdkontakt"
    return f"Din {what}" if letter.event != "ended" else f"Din {what} har upphört"


def letter_html(letter: Letter) -> str:
    env = Environment(loader=PackageLoader("naravard.contacts", "templates"), autoescape=select_autoescape())
    return env.get_template("contacts/letter.html").render(
        letter=letter,
        subject=subject(letter),
        profession=PROFESSION_SV.get(letter.profession, letter.profession),
    )


def letter_pdf(letter: Letter) -> bytes:
    try:
        from weasyprint import HTML  # slow to import; only letters and reports need it
    except (ImportError, OSError) as exc:
        raise Unavailable("letters need WeasyPrint and the Pango libraries") from exc
    buf = BytesIO()
    HTML(string=letter_html(letter)).write_pdf(buf)
    return buf.getvalue()


class Channel(Protocol):
    """Delivers one notice; `key` (the notice's id) is the idempotency key: sending the same key twice must
    not reach the patient twice. Returns the channel's reference; raises on failure."""

    name: str

    def send(self, *, key: str, letter: Letter, pdf: bytes) -> str: ...


class DirectoryChannel:
    """The demo's 1177-style inbox: `<folder>/<key>.json` and `<key>.pdf`. A key already there was sent."""

    name = "message"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, key: str, letter: Letter, pdf: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        done = self.folder / f"{key}.json"
        if done.exists():
            return done.name
        (self.folder / f"{key}.pdf").write_bytes(pdf)
        body = {"to": letter.patient_name, "subject": subject(letter), "attachment": f"{key}.pdf"}
        tmp = self.folder / f".{key}.json.tmp"
        tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        tmp.rename(done)
        return done.name


class MemoryChannel:
    """For tests: remembers what it sent; `fail` makes the next sends raise."""

    name = "message"

    def __init__(self, fail: int = 0) -> None:
        self.sent: dict[str, Letter] = {}
        self.calls = 0
        self.fail = fail

    def send(self, *, key: str, letter: Letter, pdf: bytes) -> str:
        self.calls += 1
        if self.fail > 0:
            self.fail -= 1
            raise RuntimeError("the channel is down")
        self.sent.setdefault(key, letter)
        return f"mem-{key}"


def due(notice: Notice, now: datetime) -> bool:
    return notice.status == NoticeStatus.PENDING.value and notice.next_attempt_at <= now
