"""The unit's proposal (`contacts.proposal.propose`) keeps its rules for any population (hypothesis): never over
a capacity, never a doctor who is not the unit's, never a person who already has a fast läkarkontakt, the
highest need first when room is short, and the most-seen doctor when there is room."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from naravard.contacts.proposal import Candidate, DoctorSlot, continuity_share, first_come, propose


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Candidate], list[DoctorSlot], dict, dict, set[int]]:  # type: ignore[type-arg]
    n = draw(st.integers(0, 60))
    doctors = [
        DoctorSlot(doctor=f"d{i}", capacity=draw(st.integers(0, 25)), load=draw(st.integers(0, 10)))
        for i in range(draw(st.integers(0, 5)))
    ]
    households = draw(st.integers(1, 10))
    has_doctor = set(draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=10))) if n else set()
    candidates = [
        Candidate(
            person=p,
            need=draw(st.integers(0, 3)),
            order=draw(st.integers(0, 1000)),
            household=draw(st.one_of(st.none(), st.integers(0, households))),
        )
        for p in range(n)
        if p not in has_doctor
    ]
    names = [d.doctor for d in doctors] + ["elsewhere"]  # a doctor of another unit the patient has seen
    visits = {
        c.person: {
            draw(st.sampled_from(names)): draw(st.integers(1, 9)) for _ in range(draw(st.integers(0, 3)))
        }
        for c in candidates
    }
    home = (
        {h: draw(st.sampled_from(names)) for h in range(households) if draw(st.booleans())} if doctors else {}
    )
    return candidates, doctors, visits, home, has_doctor


@settings(max_examples=120, deadline=None)
@given(populations())
def test_never_over_capacity_never_another_units_doctor_never_an_existing_fixed_doctor(pop) -> None:  # type: ignore[no-untyped-def]
    candidates, doctors, visits, home, has_doctor = pop
    result = propose(candidates, doctors, visits, home)
    ours = {d.doctor for d in doctors}
    assert set(result.values()) <= ours
    assert not set(result) & has_doctor
    assert set(result) <= {c.person for c in candidates}
    for d in doctors:
        assert sum(1 for doc in result.values() if doc == d.doctor) <= d.room
    # as many as there is room for are placed
    assert len(result) == min(len(candidates), sum(d.room for d in doctors))


@settings(max_examples=80, deadline=None)
@given(populations())
def test_highest_need_first_when_room_is_short(pop) -> None:  # type: ignore[no-untyped-def]
    candidates, doctors, visits, home, _ = pop
    result = propose(candidates, doctors, visits, home)
    placed = [c.need for c in candidates if c.person in result]
    left = [c.need for c in candidates if c.person not in result]
    if placed and left:
        assert min(placed) >= max(left)


def test_the_most_seen_doctor_when_there_is_room() -> None:
    doctors = [DoctorSlot("a", 10, 0), DoctorSlot("b", 10, 0)]
    candidates = [Candidate(1, 0, 1), Candidate(2, 0, 2), Candidate(3, 0, 3)]
    visits = {1: {"b": 3, "a": 1}, 2: {"a": 2}}
    result = propose(candidates, doctors, visits)
    assert result[1] == "b" and result[2] == "a" and result[3] in {"a", "b"}
    assert continuity_share(result, visits) == 1.0
    assert first_come(candidates, doctors) == {1: "a", 2: "b", 3: "a"}


def test_a_household_goes_together_and_joins_a_members_fixed_doctor() -> None:
    doctors = [DoctorSlot("a", 5, 0), DoctorSlot("b", 5, 0), DoctorSlot("c", 5, 0)]
    candidates = [
        Candidate(1, 2, 1, household="h"),
        Candidate(2, 0, 9, household="h"),
        Candidate(3, 0, 2, household="k"),
    ]
    result = propose(candidates, doctors, {}, {"k": "c"})
    assert result[1] == result[2]
    assert result[3] == "c"
