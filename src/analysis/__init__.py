"""Supervision of the taakstelling huisvesting vergunninghouders: ingest, roll-forward, reports."""

__version__ = "0.1.0"
