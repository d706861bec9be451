"""Helpers for the open-source AI media notebooks: load, clean, parse, annotate, tabulate, report."""

__version__ = "0.1.0"
