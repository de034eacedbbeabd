"""The unit's proposal of a fast läkarkontakt for everyone listed who lacks one: a pure function, so the rules
a proposal must keep are property-tested without a database (tests/unit/contacts/test_proposal.py).

1. Who gets a doctor at all: the highest need first (ties: listed longest first), as long as the unit's
   doctors have room (capacity per full-time doctor times the doctor's share, less the list they have), a
   household may be split at the edge of the room.
2. Whom they get: first everyone chosen with a doctor they have seen (the continuity source's doctor visits
   of the last year) gets the one they have seen most who still has room, highest need first; a household
   goes to the fixed doctor a member already has, else to the doctor its members have seen most, when the
   whole household fits there (a household kept together comes before one member's visits).
3. Then the rest go to the doctor with the most room left, households together where one doctor has room.

It never exceeds a capacity, never proposes a doctor who is not one of the unit's, and never touches a
person who already has a fast läkarkontakt: they are not candidates, and their lists count as load."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Key = Any  # a person or a doctor: uuids in the service, ints in tests and the benchmark


@dataclass(frozen=True)
class Candidate:
    person: Key
    need: int  # higher first
    order: int  # listed since (first come), the tie-break
    household: Key | None = None


@dataclass(frozen=True)
class DoctorSlot:
    doctor: Key
    capacity: int
    load: int  # patients with this doctor as fast läkarkontakt already

    @property
    def room(self) -> int:
        return max(self.capacity - self.load, 0)


def _households(chosen: Sequence[Candidate]) -> list[list[Candidate]]:
    """The chosen candidates in groups (a household, or one person), in the order of their first member."""
    groups: dict[Key, list[Candidate]] = {}
    out: list[list[Candidate]] = []
    for c in chosen:
        if c.household is None:
            out.append([c])
            continue
        group = groups.get(c.household)
        if group is None:
            group = groups[c.household] = []
            out.append(group)
        group.append(c)
    return out


def _choose(candidates: Sequence[Candidate], doctors: Sequence[DoctorSlot]) -> list[Candidate]:
    """Step 1: the highest need first, while there is room; a household that does not fit whole is split."""
    room = sum(d.room for d in doctors)
    ordered = sorted(candidates, key=lambda c: (-c.need, c.order))
    return ordered[:room]


def propose(
    candidates: Sequence[Candidate],
    doctors: Sequence[DoctorSlot],
    visits: Mapping[Key, Mapping[Key, int]],
    household_doctor: Mapping[Key, Key] | None = None,
) -> dict[Key, Key]:
    """person -> doctor for the candidates the unit has room for (see the module's docstring)."""
    room = {d.doctor: d.room for d in doctors}
    household_doctor = dict(household_doctor or {})
    chosen = _choose(candidates, doctors)
    result: dict[Key, Key] = {}

    def seen(members: Sequence[Candidate], doctor: Key) -> int:
        return sum(visits.get(m.person, {}).get(doctor, 0) for m in members)

    def place(members: Sequence[Candidate], doctor: Key) -> None:
        for m in members:
            result[m.person] = doctor
        room[doctor] -= len(members)
        for m in members:
            if m.household is not None:
                household_doctor.setdefault(m.household, doctor)

    # Step 2: continuity, highest need first.
    for group in _households(chosen):
        scores = {doc: seen(group, doc) for doc in room}
        home = household_doctor.get(group[0].household) if group[0].household is not None else None
        fits = [doc for doc in room if room[doc] >= len(group) and (scores[doc] > 0 or doc == home)]
        if fits:
            place(group, max(fits, key=lambda doc: (doc == home, scores[doc], room[doc])))
            continue
        if len(group) > 1:  # no one doctor for the whole household: each member on their own
            for m in group:
                own = [doc for doc in room if room[doc] > 0 and seen([m], doc) > 0]
                if own:
                    place([m], max(own, key=lambda doc: (seen([m], doc), room[doc])))
    # Step 3: the rest, to the doctor with the most room left.
    for group in _households([c for c in chosen if c.person not in result]):
        home = household_doctor.get(group[0].household) if group[0].household is not None else None
        if home is not None and room.get(home, 0) >= len(group):
            place(group, home)
            continue
        whole = [doc for doc in room if room[doc] >= len(group)]
        if whole:
            place(group, max(whole, key=lambda doc: room[doc]))
            continue
        for m in group:
            free = [doc for doc in room if room[doc] > 0]
            if free:
                place([m], max(free, key=lambda doc: room[doc]))
    return result


def first_come(candidates: Sequence[Candidate], doctors: Sequence[DoctorSlot]) -> dict[Key, Key]:
    """The baseline the benchmark compares with: in the order listed, each to the doctor with the most room
    left, with no regard to need, continuity or household."""
    room = {d.doctor: d.room for d in doctors}
    result: dict[Key, Key] = {}
    for c in sorted(candidates, key=lambda c: c.order):
        if not room:
            break
        doctor = max(room, key=lambda doc: room[doc])
        if room[doctor] <= 0:
            break
        result[c.person] = doctor
        room[doctor] -= 1
    return result


def most_seen(visits: Mapping[Key, int]) -> Key | None:
    """The doctor seen most (ties: any one of them), None without visits."""
    return max(visits, key=lambda doc: visits[doc]) if visits else None


def continuity_share(assigned: Mapping[Key, Key], visits: Mapping[Key, Mapping[Key, int]]) -> float | None:
    """Share of the assigned persons with any doctor visit who were given the doctor they have seen most (a
    tie counts when the doctor is one of the most seen)."""
    counted = hits = 0
    for person, doctor in assigned.items():
        seen = visits.get(person)
        if not seen:
            continue
        counted += 1
        if seen.get(doctor, 0) == max(seen.values()):
            hits += 1
    return hits / counted if counted else None
