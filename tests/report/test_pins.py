"""The pins on papermill, nbconvert and nbclient: report/notebooks drives them through their
internal APIs (its warm-kernel pool: a kernel per worker, papermill's parameters without
papermill's executor, nbclient's cells on an open client, nbconvert's HTML without its last
pass), which may change in any release. The bounds in pyproject.toml admit the minor line those
APIs were checked against; these tests fail when what is installed lies outside them, or when a
name report/notebooks relies on has gone. No kernel is started."""

import ast
import importlib
import importlib.util
import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from analysis.config import PROJECT_DIR

PINNED = ("papermill", "nbconvert", "nbclient")
_SPEC = importlib.util.find_spec("analysis.report.notebooks")  # found, not imported
# its source files: one module, or a package of them
NOTEBOOKS = (sorted(Path(_SPEC.origin).parent.glob("*.py")) if _SPEC.submodule_search_locations
             else [Path(_SPEC.origin)])
# The libraries whose internals report/notebooks uses (jupyter_client's kernel manager and client
# are its public API, checked here too since nbclient hands them on).
LIBRARIES = {*PINNED, "jupyter_client"}

# Every object report/notebooks takes from those libraries, with the attributes, methods and
# traits (keyword arguments of the constructor) it uses on it.
USED: dict[tuple[str, str], tuple[str, ...]] = {
    ("papermill.iorw", "load_notebook_node"): (),
    ("papermill.execute", "prepare_notebook_metadata"): (),
    ("papermill.parameterize", "parameterize_notebook"): (),
    ("nbconvert", "HTMLExporter"): (
        "from_notebook_node", "register_filter", "_init_resources", "template_name",
        "extra_template_basedirs", "exclude_input", "exclude_input_prompt",
        "exclude_output_prompt", "optimistic_validation"),
    ("nbconvert.exporters.templateexporter", "TemplateExporter"): ("from_notebook_node",),
    ("nbconvert.filters.highlight", "Highlight2HTML"): (),
    ("nbconvert.filters.widgetsdatatypefilter", "WidgetsDataTypeFilter"): (),
    ("nbclient.util", "run_sync"): (),
    ("nbclient", "NotebookClient"): ("kernel_name", "record_timing", "wait_for_reply",
                                     "execute_cell"),  # km, kc: see the last test
    ("jupyter_client.manager", "KernelManager"): (
        "kernel_name", "client_class", "transport", "ip", "start_kernel", "is_alive",
        "has_kernel", "shutdown_kernel", "cleanup_connection_file", "client"),
    # named as a string: the kernel manager's client_class
    ("jupyter_client.asynchronous", "AsyncKernelClient"): (
        "start_channels", "stop_channels", "wait_for_ready", "execute_interactive",
        "kernel_info", "allow_stdin"),
}

# How report/notebooks calls the functions: the arguments must still bind.
CALLS = {
    ("papermill.iorw", "load_notebook_node"): (("notebook.ipynb",), {}),
    ("papermill.execute", "prepare_notebook_metadata"): ((None, "notebook.ipynb", ""), {}),
    ("papermill.parameterize", "parameterize_notebook"): ((None, {}), {"kernel_name": "python3"}),
    ("nbconvert.filters.widgetsdatatypefilter", "WidgetsDataTypeFilter"): (
        (), {"notebook_metadata": {}, "parent": None, "resources": {}}),
    ("nbconvert.filters.highlight", "Highlight2HTML"): ((), {"pygments_lexer": "python",
                                                             "parent": None}),
    ("nbclient", "NotebookClient"): ((None,), {"km": None, "kernel_name": "python3",
                                               "record_timing": False}),
}

RECHECK = ("report/notebooks uses its internal APIs: re-check the warm-kernel pool against "
           "this version (run tests/report and a full 'python -m analysis run') before moving "
           "the bound in pyproject.toml and environment.yml")


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {requirement.name.lower(): requirement for requirement in requirements}


@pytest.mark.parametrize("package", PINNED)
def test_the_installed_version_lies_within_the_tested_bounds(package):
    declared = _declared()
    assert package in declared, f"{package} is not a dependency in pyproject.toml; {RECHECK}"
    bounds = declared[package].specifier
    assert any(spec.operator in {"<", "<=", "==", "~="} for spec in bounds), (
        f"{package}{bounds} has no upper bound in pyproject.toml; {RECHECK}")
    installed = Version(version(package))
    assert bounds.contains(installed, prereleases=True), (
        f"{package} {installed} is installed, but tested is {package}{bounds}; {RECHECK}")


def _taken_from_the_libraries() -> set[tuple[str, str]]:
    """Every ``from <library...> import name`` in report/notebooks, and every object it names as a
    dotted string (``"jupyter_client.asynchronous.AsyncKernelClient"``)."""
    found = set()
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in NOTEBOOKS]
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.ImportFrom) and node.module.split(".")[0] in LIBRARIES:
            found |= {(node.module, alias.name) for alias in node.names}
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value.split(".")[0] in LIBRARIES and " " not in node.value):
            module, _, name = node.value.rpartition(".")
            found.add((module, name))
    return found


def test_the_list_of_internals_is_that_of_the_notebooks_package():
    """A name report/notebooks starts to take from these libraries is added to USED (with what it
    uses of it), and one it no longer takes is removed, so the next test checks them all."""
    taken = _taken_from_the_libraries()
    assert sorted(taken - USED.keys()) == [], "report/notebooks takes names USED does not list"
    assert sorted(USED.keys() - taken) == [], "USED lists names report/notebooks no longer takes"


@pytest.mark.parametrize(("module", "name"), sorted(USED))
def test_every_internal_name_the_notebooks_package_relies_on_still_exists(module, name):
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{module}.{name} has gone ({error}); {RECHECK}")
    traits = found.class_trait_names() if hasattr(found, "class_trait_names") else []
    missing = [attribute for attribute in USED[module, name]
               if not hasattr(found, attribute) and attribute not in traits]
    assert missing == [], f"{module}.{name} has no {', '.join(missing)} any more; {RECHECK}"
    if (module, name) in CALLS:
        args, kwargs = CALLS[module, name]
        try:
            inspect.signature(found).bind(*args, **kwargs)
        except TypeError as error:
            pytest.fail(f"{module}.{name} is called differently now ({error}); {RECHECK}")


def test_the_instance_attributes_report_notebooks_uses_are_still_set():
    """Attributes a constructor sets, not the class: the exporter hands its filter
    ``self._nb_metadata`` (as nbconvert's own HTMLExporter does), and the notebook client is
    given the worker's kernel as ``km`` and its open client as ``kc``."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    assert isinstance(getattr(HTMLExporter(), "_nb_metadata", None), dict), (
        f"nbconvert.HTMLExporter() has no _nb_metadata dict any more; {RECHECK}")
    client = NotebookClient(nbformat.v4.new_notebook(), km=None)
    missing = [name for name in ("km", "kc") if not hasattr(client, name)]
    assert missing == [], f"nbclient.NotebookClient() has no {', '.join(missing)}; {RECHECK}"
