"""Imports every context's models so `Base.metadata` is complete (Alembic, tests, `create_all`)."""

from __future__ import annotations

from naravard.db import Base


def load_all() -> type[Base]:
    from naravard.accounts import models as _accounts  # noqa: F401
    from naravard.audit import models as _audit  # noqa: F401
    from naravard.consent import models as _consent  # noqa: F401
    from naravard.contacts import models as _contacts  # noqa: F401
    from naravard.followup import models as _followup  # noqa: F401
    from naravard.organizations import models as _organizations  # noqa: F401
    from naravard.patients import models as _patients  # noqa: F401

    return Base
