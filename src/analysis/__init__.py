"""Supervision of the taakstelling huisvesting vergunninghouders: ingest, roll-forward, reports."""

from analysis.compute.roll_forward import rollforward

__all__ = ["rollforward"]
__version__ = "0.1.0"
