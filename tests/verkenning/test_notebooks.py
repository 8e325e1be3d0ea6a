"""The exploring notebooks (``notebooks/verkennen/``) are thin: stored without outputs, with one
cell of parameters for papermill, using the public exploration API and nothing else of the
package. Each runs headless against the computed sample without an error, a kernel each, with
its parameters given as a user would write them."""

import ast

import nbformat
import openpyxl
import papermill
import pytest

from analysis.config import NOTEBOOKS_DIR

FOLDER = NOTEBOOKS_DIR / "verkennen"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
# what a user might type; a notebook gets those it declares
PARAMETERS = {"gemeente": "1690", "periode": "2024-H1", "van": "2024-H1",
              "naar": "1e helft 2025", "maat": "achterstand"}


def code(notebook) -> list[ast.Module]:
    """The code cells of ``notebook``, parsed (a line of IPython magic left out)."""
    return [ast.parse("\n".join(line for line in cell.source.splitlines()
                                if not line.lstrip().startswith(("%", "!"))))
            for cell in notebook.cells if cell.cell_type == "code"]


def test_the_four_exploring_notebooks_are_there():
    assert {"trends_provincie", "gemeente_verdiept", "halfjaren_vergelijken", "wat_als"} <= {
        path.stem for path in NOTEBOOKS}
    assert not (NOTEBOOKS_DIR / "verkenning.ipynb").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_is_thin_and_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in cells)
    tagged = [cell for cell in cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert any(cell.cell_type == "markdown" and cell.source.startswith("# ")
               for cell in notebook.cells)  # a title saying what it is for


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_uses_only_the_public_exploration_api(path):
    imported, private = [], []
    for tree in code(nbformat.read(path, as_version=4)):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported += [f"{node.module}.{alias.name}" for alias in node.names]
                private += [alias.name for alias in node.names if alias.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                private.append(node.attr)
    ours = [name for name in imported if name.split(".")[0] == "analysis"]
    assert ours and all(name.startswith("analysis.verkenning") for name in ours), ours
    assert not private, private
    assert "analysis.report" not in path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def executed(computed, tmp_path_factory):
    """Every exploring notebook run once on the computed sample, a kernel each; the workbook
    a notebook writes goes to the returned folder."""
    folder = tmp_path_factory.mktemp("verkennen")
    books = {}
    for path in NOTEBOOKS:
        declared = papermill.inspect_notebook(str(path))
        given = {**PARAMETERS, "processed": str(computed), "uitvoer": str(folder)}
        papermill.execute_notebook(str(path), str(folder / path.name),
                                   parameters={k: v for k, v in given.items() if k in declared},
                                   kernel_name="python3", progress_bar=False, cwd=str(FOLDER))
        books[path.stem] = nbformat.read(folder / path.name, as_version=4)
    return books, folder


def outputs(notebook) -> str:
    """Everything the cells of ``notebook`` showed, as one text."""
    return "\n".join(str(output.get("data", {}).get("text/html", "")) + output.get("text", "")
                     for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.outputs)


def test_every_notebook_runs_without_an_error(executed):
    books, _ = executed
    assert set(books) == {path.stem for path in NOTEBOOKS}
    for name, notebook in books.items():
        errors = [output for cell in notebook.cells if cell.cell_type == "code"
                  for output in cell.outputs if output.output_type == "error"]
        assert not errors, (name, errors)
        assert "Herkomst van de berekening" in outputs(notebook), name


def test_the_notebooks_show_what_their_parameters_ask(executed):
    books, folder = executed
    municipality = outputs(books["gemeente_verdiept"])
    assert "De Wolden: stand per halfjaar, tot en met 1e helft 2024" in municipality
    assert 'alt="Staafdiagram: stand van De Wolden' in municipality
    chooser = books["gemeente_verdiept"].cells[-1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in chooser
    assert "Ranglijst 1e helft 2024 op achterstand" in outputs(books["trends_provincie"])
    comparison = outputs(books["halfjaren_vergelijken"])
    assert "De 1e helft 2025 vergeleken met de 1e helft 2024" in comparison
    sheet = openpyxl.load_workbook(folder / "vergelijking.xlsx").active
    assert sheet["A1"].value.startswith("De 1e helft 2025 vergeleken met de 1e helft 2024")
