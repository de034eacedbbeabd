"""naravard: a coordination layer for God och nära vård."""

__version__ = "0.1.0"
