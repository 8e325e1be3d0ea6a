"""An executed notebook as its HTML page without code: nbconvert's exporter on the project's
own template, one per process.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

from analysis.config import TEMPLATES_DIR
from analysis.report.notebooks.plan import Outcome


@cache
def _exporter():
    """One HTML exporter per process, on the project's template, validating the notebook once
    (after its preprocessors) rather than after each of them."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class Exporter(HTMLExporter):
        """nbconvert's HTML exporter without its last pass of the page through BeautifulSoup,
        which adds an English alt text to images without one and tab stops to JupyterLab's
        cells: the template gives every chart its own alt text and has no such cells."""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", Highlight2HTML(
                pygments_lexer=language.get("pygments_lexer", language.get("name")),
                parent=self))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporter(template_name="rapport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                    exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                    optimistic_validation=True)


def _write_html(notebook, path: Path) -> None:
    body, _ = _exporter().from_notebook_node(notebook)
    path.write_text(body, encoding="utf-8")


def export_html(outcome: Outcome, folder: Path) -> None:
    """An executed notebook in ``folder/notebooks`` as its HTML page without code."""
    import nbformat

    start = time.perf_counter()
    executed = folder / "notebooks" / f"{Path(outcome.html).stem}.ipynb"
    _write_html(nbformat.read(executed, as_version=4), folder / outcome.html)
    outcome.seconden += time.perf_counter() - start
