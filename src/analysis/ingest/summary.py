"""What an ingest read and wrote, as the terminal shows it."""

from __future__ import annotations

from pathlib import Path

from analysis.ingest.mirror import IngestResult


def ingest_summary(result: IngestResult, processed: Path) -> str:
    """What was read and written."""
    skipped = (f"; niet ingelezen: {result.overgeslagen} (zie de waarschuwingen)"
               if result.overgeslagen else "")
    linked = int(result.bestanden["doel"].notna().sum()) if "doel" in result.bestanden else 0
    via = f" ({linked} via een koppeling)" if linked else ""
    lines = [f"Ingelezen: {len(result.bestanden)} bestanden{via}{skipped}; geschreven naar "
             f"{processed}:"]
    for name, frame in result.tables.items():
        lines.append(f"  {name}.parquet: {len(frame)} rijen")
    warnings = [warning for warning in result.waarschuwingen if warning not in result.let_op]
    if warnings:
        lines.append(f"Waarschuwingen ({len(warnings)}):")
        lines.extend(f"  - {warning}" for warning in warnings)
    lines.extend(f"Let op: {note}" for note in result.let_op)
    return "\n".join(lines)
