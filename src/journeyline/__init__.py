"""Journeyline: open-source customer journey mapping."""

__version__ = "0.1.0"
