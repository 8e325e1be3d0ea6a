"""A notebook made ready to execute: read once per process, the preamble that clears the
kernel put first, the task's parameters injected by papermill, and the page's title set.
"""

from __future__ import annotations

import os
from functools import cache

from analysis.report.notebooks.plan import Task

# Run first in every notebook executed by the runner (and left out of the HTML, like all code):
# clear what the previous report left in the kernel. The kernel keeps no output history (see
# ``_KERNEL_ARGUMENTS``), so this reset has nothing to collect; the ``%reset -f`` magic would
# also run two full garbage collections, a tenth of a second each.
_PREAMBLE = "get_ipython().reset(new_session=False)"


@cache
def _source(path: str, modified: int):
    """The notebook as written, read by papermill once per process (again when it changes)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(path)


def _prepared(task: Task):
    """The notebook to execute: its parameters injected by papermill, after the preamble, with
    the page's title."""
    import copy

    import nbformat
    from papermill.execute import prepare_notebook_metadata
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(_source(task.notebook, os.stat(task.notebook).st_mtime_ns))
    notebook.metadata["title"] = task.titel  # the exported page's <title>
    notebook.cells.insert(0, nbformat.v4.new_code_cell(_PREAMBLE, id="voorbereiding",
                                                       metadata={"tags": []}))
    notebook = parameterize_notebook(notebook, task.parameters, kernel_name="python3")
    for cell in notebook.cells:  # papermill gives its parameters cell a random id
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "ingevoegde-parameters"
    return prepare_notebook_metadata(notebook, task.notebook, "")
