"""Supervision of the taakstelling huisvesting vergunninghouders: ingest, roll-forward, reports.

The roll-forward is loaded when first asked for (``analysis.rollforward``), so that importing
the settings (``analysis.config``) or asking the command line for help loads neither pandas nor
the computation.
"""

__all__ = ["rollforward"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "rollforward":
        from analysis.compute.roll_forward import rollforward

        return rollforward
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
