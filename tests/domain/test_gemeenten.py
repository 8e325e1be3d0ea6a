"""Municipality resolution: codes and names in any common spelling give the CBS code."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.domain import gemeenten

DRENTHE = {
    "GM1680": "Aa en Hunze", "GM0106": "Assen", "GM1681": "Borger-Odoorn", "GM0109": "Coevorden",
    "GM1690": "De Wolden", "GM0114": "Emmen", "GM0118": "Hoogeveen", "GM0119": "Meppel",
    "GM1731": "Midden-Drenthe", "GM1699": "Noordenveld", "GM1730": "Tynaarlo",
    "GM1701": "Westerveld",
}
reference = gemeenten.reference()
rows = st.sampled_from(list(reference.itertuples(index=False)))


def test_reference_is_complete_and_unique():
    assert len(reference) == 432  # every code in use since 1 January 2014
    assert reference["geldig_tot"].isna().sum() == 342  # the municipalities of today
    assert reference["gemeente_code"].is_unique
    assert gemeenten.name_key(reference["gemeente_naam"]).is_unique
    assert reference["gemeente_code"].str.fullmatch(r"GM\d{4}").all()
    drenthe = reference[reference["provincie"] == "Drenthe"]
    assert dict(zip(drenthe["gemeente_code"], drenthe["gemeente_naam"], strict=True)) == DRENTHE
    assert gemeenten.provincie_codes("drenthe") == sorted(DRENTHE, key=DRENTHE.get)


def _spellings(name: str) -> list[str]:
    words = name.split(" ")
    variants = [name, name.upper(), name.lower(), f"Gemeente {name}", f"  {name} ",
                name.replace("-", " ")]
    if words[0].lower() in {"de", "den", "het", "'s"} and len(words) > 1:
        variants.append(f"{' '.join(words[1:])}, {words[0]}")
    return variants


@given(row=rows, data=st.data())
def test_any_spelling_of_a_name_resolves(row, data):
    spelling = data.draw(st.sampled_from(_spellings(row.gemeente_naam)))
    assert gemeenten.resolve(pd.Series([spelling])).iloc[0] == row.gemeente_code


@given(row=rows, form=st.sampled_from(["text", "int", "float", "short", "lower"]))
def test_codes_as_text_or_numbers_resolve(row, form):
    number = int(row.gemeente_code[2:])
    value = {"text": row.gemeente_code, "int": number, "float": float(number),
             "short": str(number), "lower": row.gemeente_code.lower()}[form]
    assert gemeenten.resolve(pd.Series([value], dtype=object)).iloc[0] == row.gemeente_code


def test_unknown_values_do_not_resolve():
    unknown = pd.Series(["Atlantis", "GM9999", 9999, "", None], dtype=object)
    assert gemeenten.resolve(unknown).isna().all()


def test_aliases_and_accents():
    values = pd.Series(["Den Haag", "Den Bosch", "Sudwest-Fryslan", "Hertogenbosch, 's"])
    assert gemeenten.resolve(values).tolist() == ["GM0518", "GM0796", "GM1900", "GM0796"]
