"""Synthetic data: a demo region and event lakes at any scale."""
