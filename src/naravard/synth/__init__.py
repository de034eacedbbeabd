"""Synthetic data: a demo region and event lakes at any scale, deterministic from a seed.

The demo region (`region.py`) reaches the database through one seeding interface, `naravard.seeding`: each
context it fills ends its service with ``seed_rows(session, *, actor, <table>=rows, ...)`` (organizations:
organizations, care_units, practitioners, practitioner_roles; patients: persons; contacts: listings;
consent: care_relationships, consents, blocks; accounts: users, memberships), which inserts the rows as
given, ids included, for the system actor only, with one audit row per table. This package imports no
context's models, only services, `naravard.reference` (the region, its municipalities, the profession codes)
and the follow-up's lake format, which its lakes are written in (`lake.py`, `demo.py`); the follow-up never
imports it. The import contracts in pyproject.toml hold it to that.
"""
