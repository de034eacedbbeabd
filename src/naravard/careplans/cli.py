"""``naravard careplans list|show|export``: care plans for a coordinator or operator at the command line.

Each command acts as a named user, never as the system: it logs in with the user's password (``--user``,
the password from ``NARAVARD_PASSWORD`` or a prompt), which opens a login session and writes its audit row as
the login page does, and then calls the same service functions as the pages, so the same access checks apply
and every read is audited under that user. The login session is ended when the command is done. Errors are
one line on stderr and a non-zero exit (`cli_common.fail`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from naravard.cli_common import console, fail, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from naravard.actor import Actor

app = typer.Typer(
    help="Care plans: the unit's plans needing attention, one plan, its PDF.", no_args_is_help=True
)

T = TypeVar("T")

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default from settings).")
]
UserOption = Annotated[str, typer.Option("--user", help="Act as this user (their role, unit and access).")]
PasswordOption = Annotated[
    str,
    typer.Option(
        "--password",
        envvar="NARAVARD_PASSWORD",
        prompt=True,
        hide_input=True,
        help="The user's password (better from NARAVARD_PASSWORD or the prompt).",
    ),
]

ATTENTION = {
    "proposed_not_agreed": "proposed, not agreed for more than 14 days",
    "follow_up_passed": "follow-up date passed",
    "sip_without_main_party": "SIP without a main responsible party",
}


@contextmanager
def _as_user(
    database: str | None, username: str, password: str
) -> Iterator[Callable[[Callable[[Session, Actor], T]], T]]:
    """Run work as the named user: each call is one unit of work (committed, or rolled back on an error with
    the refusal's audit row kept), as a request is."""
    from naravard.accounts import service as accounts_service
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError

    current = load_settings()
    if not current.audit_hmac_key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY")
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        try:
            with transaction(factory) as session:
                info = accounts_service.login(session, username=username, password=password, hours=1)
        except NaravardError as exc:
            raise fail(exc.message) from exc

        def run(work: Callable[[Session, Actor], T]) -> T:
            try:
                with transaction(factory) as session:
                    return work(session, info.actor)
            except NaravardError as exc:
                raise fail(exc.message) from exc

        try:
            yield run
        finally:
            with transaction(factory) as session:
                accounts_service.logout(session, token=info.token)
    finally:
        engine.dispose()


def _plan_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise fail(f"not a plan id: {text!r}") from None


@app.command("list")
def list_plans(user: UserOption, password: PasswordOption, database: DatabaseOption = None) -> None:
    """The open plans of the user's unit that need attention: proposed but not agreed for more than 14 days, a
    follow-up date passed, a SIP without a main responsible party."""
    from naravard.careplans import service

    with _as_user(database, user, password) as run:
        items = run(lambda s, a: service.unit_attention(s, actor=a))
    for i in items:
        why = "; ".join(ATTENTION.get(x, x) for x in i.attention)
        typer.echo(f"{i.id}  {i.kind.value:<15} {i.state.value:<9} v{i.version_no:<3} {i.person_name}: {why}")
    console.print(f"{len(items)} plan(s) need attention.")


@app.command("show")
def show(
    plan_id: Annotated[str, typer.Argument(help="The plan's id.")],
    user: UserOption,
    password: PasswordOption,
    database: DatabaseOption = None,
) -> None:
    """One plan's current version: state, what matters, goals, needs, activities, timeline, participants."""
    from naravard.careplans import service

    pid = _plan_id(plan_id)
    with _as_user(database, user, password) as run:
        plan = run(lambda s, a: service.get_plan(s, actor=a, plan_id=pid))
    c = plan.content
    names = plan.unit_names
    lines = [
        f"{plan.kind.value} {plan.id} for {plan.person_name}",
        f"state {plan.state.value}, version {plan.version_no}, unit {plan.unit_name}",
        *(f"matters: {s.text} ({s.author.value})" for s in c.matters),
        *(f"goal: {s.text} ({s.author.value})" for s in c.goals),
        *(f"need: {n.text}" for n in c.needs),
        *(
            f"activity: {x.what}; {names.get(str(x.unit_id), x.by_name or '')} {x.frequency or ''} [{x.status.value}]"
            for x in c.activities
        ),
        *(f"step: {st.on} {st.what}" for st in c.timeline),
        *(
            f"participant: {p.name} {p.role or ''} {names.get(str(p.unit_id), '')}".rstrip()
            for p in c.participants
        ),
    ]
    if c.follow_up_date:
        lines.append(f"follow-up: {c.follow_up_date}")
    if c.sip is not None:
        main = names.get(str(c.sip.main_responsible_unit_id), "none")
        lines.append(f"SIP: main responsible {main}, follow-up {c.sip.follow_up_date or 'none'}")
        lines += [
            f"SIP meeting: {m.on} {', '.join(m.attendees)} (patient attended: {'yes' if m.patient_attended else 'no'})"
            for m in c.sip.meetings
        ]
    typer.echo("\n".join(lines))


@app.command("export")
def export(
    plan_id: Annotated[str, typer.Argument(help="The plan's id.")],
    user: UserOption,
    password: PasswordOption,
    pdf_file: Annotated[Path, typer.Option("--pdf", dir_okay=False, help="Write the plan as a PDF here.")],
    lang: Annotated[str, typer.Option(help="Language of the PDF: sv or en.")] = "sv",
    database: DatabaseOption = None,
) -> None:
    """The plan as the PDF the patient prints (an audited read of the plan)."""
    from naravard.careplans import pdf, service
    from naravard.errors import NaravardError

    if lang not in ("sv", "en"):
        raise fail("--lang: sv or en")
    pid = _plan_id(plan_id)
    with _as_user(database, user, password) as run:
        plan = run(lambda s, a: service.get_plan(s, actor=a, plan_id=pid))
    try:
        data = pdf.plan_pdf(plan, lang)
    except NaravardError as exc:
        raise fail(exc.message) from exc
    try:
        pdf_file.write_bytes(data)
    except OSError as exc:
        raise fail(f"cannot write {pdf_file}: {exc.strerror}") from exc
    console.print(f"Wrote {pdf_file} ({len(data)} bytes).")
