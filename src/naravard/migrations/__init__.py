"""Alembic migrations, shipped inside the package so `naravard db upgrade` works from an install."""
