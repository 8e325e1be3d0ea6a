"""The province's letter to De Wolden (domain.md): the block "Resultaten gemeente De Wolden",
values and wording exactly, as every test of the letter's text compares against it."""

DE_WOLDEN_TITLE = "Resultaten gemeente De Wolden"
DE_WOLDEN_LINES = [
    "Stand op 1 januari 2024: -10",
    "Taakstelling 1e helft 2024: 26 (+achterstand 10) =36",
    "Realisatie 1e helft 2024: 23",
    "Stand op 1 juli 2024: -13",
    "Taakstelling 2e helft 2024: 24 (+achterstand 13) =37",
    "Taakstelling 1e helft 2024 niet gehaald, achterstand toegenomen.",
]
DE_WOLDEN = "\n".join([DE_WOLDEN_TITLE, *DE_WOLDEN_LINES])
