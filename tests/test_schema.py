"""The settings-schema helper: each function accepts what it should and refuses the rest with
one Dutch message naming the place, the key, what was expected and what was found."""

import pytest

from analysis import schema
from analysis.schema import SchemaError

WHERE = "instellingen x.toml, blok 1"


def refused(check, *args, **kwargs) -> str:
    with pytest.raises(SchemaError) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_required_accepts_the_kind_and_refuses_missing_or_wrong():
    assert schema.required({"a": {"b": 1}}, "a", dict, WHERE) == {"b": 1}
    assert schema.required({"a": [1]}, "a", object, WHERE) == [1]
    assert refused(schema.required, {}, "a", dict, WHERE, "een tabel [a]") == (
        f"{WHERE}: verplichte sleutel 'a' ontbreekt (verwacht een tabel [a])")
    assert refused(schema.required, {"a": "x"}, "a", list, WHERE) == (
        f"{WHERE}: a is tekst; verwacht een lijst [...]")
    assert refused(schema.required, {"a": True}, "a", int, "") == (
        "a is true of false; verwacht een geheel getal")


def test_optional_gives_the_default_and_checks_a_value_given():
    assert schema.optional({}, "a", bool, WHERE, True) is True
    assert schema.optional({}, "a", int, WHERE) is None
    assert schema.optional({"a": False}, "a", bool, WHERE, True) is False
    assert refused(schema.optional, {"a": "ja"}, "a", bool, WHERE, True) == (
        f"{WHERE}: a is tekst; verwacht true of false")


def test_text_is_not_blank_and_not_too_long():
    assert schema.text({"a": "Assen"}, "a", WHERE, 5) == "Assen"
    assert schema.text({}, "a", WHERE, 5, default="") == ""
    assert refused(schema.text, {}, "a", WHERE, 5) == (
        f"{WHERE}: verplichte sleutel 'a' ontbreekt (verwacht tekst tussen aanhalingstekens)")
    assert refused(schema.text, {"a": 5}, "a", WHERE, 5) == (
        f"{WHERE}: a is een geheel getal; verwacht tekst tussen aanhalingstekens")
    assert refused(schema.text, {"a": "Assen!"}, "a", WHERE, 5) == (
        f"{WHERE}: a moet tekst zijn van 1 tot 5 tekens (nu 6)")
    assert refused(schema.text, {"a": "  "}, "a", WHERE, 5, default="") == (
        f"{WHERE}: a moet tekst zijn van 1 tot 5 tekens (nu leeg)")
    assert "verwacht tekst, bijvoorbeeld" in refused(schema.text, {"a": 1}, "a", WHERE, 5,
                                                     expected="tekst, bijvoorbeeld a = \"b\"")


def test_texts_is_a_list_of_short_texts():
    assert schema.texts({"a": ["x", "y"]}, "a", WHERE, 3) == ("x", "y")
    assert schema.texts({}, "a", WHERE, 3, default=()) == ()
    assert schema.texts({"a": []}, "a", WHERE, 3, min_items=0) == ()
    assert refused(schema.texts, {"a": "x"}, "a", WHERE, 3) == (
        f"{WHERE}: a is tekst; verwacht een lijst van teksten")
    assert refused(schema.texts, {"a": ["x", 1]}, "a", WHERE, 3) == (
        f"{WHERE}: a moet een lijst van teksten zijn (elk 1 tot 3 tekens)")
    assert refused(schema.texts, {"a": ["abcd"]}, "a", WHERE, 3) == (
        f"{WHERE}: a moet een lijst van teksten zijn (elk 1 tot 3 tekens)")
    assert refused(schema.texts, {"a": [" "]}, "a", WHERE, 3).endswith("(elk 1 tot 3 tekens)")
    assert refused(schema.texts, {"a": []}, "a", WHERE, 3) == (
        f"{WHERE}: a moet een lijst van teksten zijn (elk 1 tot 3 tekens; nu leeg)")
    assert refused(schema.texts, {"a": ["x"] * 3}, "a", WHERE, 3, max_items=2,
                   noun="regels", example='["x"]') == (
        f'{WHERE}: a moet een lijst van regels zijn (elk 1 tot 3 tekens, hoogstens 2), '
        'bijvoorbeeld ["x"]')


def test_integer_is_a_whole_number_in_its_range():
    assert schema.integer({"a": 0}, "a", WHERE, 0, 62) == 0
    assert schema.integer({"a": 62}, "a", WHERE, 0, 62) == 62
    assert schema.integer({}, "a", WHERE, 0, default=1) == 1
    assert schema.integer({"a": -5}, "a", WHERE) == -5
    assert refused(schema.integer, {"a": 63}, "a", WHERE, 0, 62) == (
        f"{WHERE}: a '63' is geen geheel getal van 0 tot en met 62")
    assert refused(schema.integer, {"a": 0}, "a", "", 1) == (
        "a '0' is geen geheel getal van 1 of meer")
    assert refused(schema.integer, {"a": 1e3}, "a", "", 0, 10**9) == (
        "a '1000.0' is geen geheel getal van 0 tot en met 1.000.000.000")
    assert "'True' is geen geheel getal" in refused(schema.integer, {"a": True}, "a", "", 0)
    assert refused(schema.integer, {}, "a", "", 1) == (
        "verplichte sleutel 'a' ontbreekt (verwacht een geheel getal van 1 of meer)")


def test_choice_is_one_of_the_options():
    assert schema.choice({"a": "COA"}, "a", ("COA", "gemeente"), WHERE) == "COA"
    assert schema.choice({}, "a", ("COA", "gemeente"), WHERE, default="COA") == "COA"
    assert refused(schema.choice, {"a": "x"}, "a", ("b", "c", "d"), WHERE, hint="uitleg") == (
        f"{WHERE}: a 'x' bestaat niet; kies b, c of d (uitleg)")
    assert refused(schema.choice, {"a": ["b"]}, "a", ("b", "c"), "") == (
        "a ['b'] bestaat niet; kies b of c")
    assert refused(schema.choice, {}, "a", ("b", "c"), "") == (
        "verplichte sleutel 'a' ontbreekt (verwacht b of c)")


def test_known_keys_refuses_every_other_key():
    schema.known_keys({"a": 1}, ("a", "b"), WHERE)
    assert refused(schema.known_keys, {"a": 1, "z": 2, "c": 3}, ("a", "b"), WHERE) == (
        f"{WHERE}: onbekende sleutel 'c', 'z' (bekend: a, b)")
    assert refused(schema.known_keys, {"x" * 100: 1}, ("a",), "", label="bekend hier") == (
        f"onbekende sleutel '{'x' * 56}... (bekend hier: a)")


def test_required_keys_names_all_missing_at_once():
    schema.required_keys({"a": 1, "b": 2}, ("a", "b"), WHERE)
    assert refused(schema.required_keys, {}, ("a",), "", "bij soort x") == (
        "verplichte sleutel 'a' ontbreekt (bij soort x)")
    assert refused(schema.required_keys, {"b": 1}, ("a", "b", "c"), WHERE) == (
        f"{WHERE}: verplichte sleutels 'a', 'c' ontbreken")


def test_table_and_tables_number_the_blocks():
    assert schema.table({"a": 1}, WHERE, "een blok") == {"a": 1}
    assert refused(schema.table, [1], WHERE, "een blok") == (
        f"{WHERE}: verwacht een blok, gevonden een lijst [...]")
    data = {"oordelen": [{"code": "a"}, {"code": "b"}]}
    assert schema.tables(data, "oordelen", "kader k.toml", "oordeel") == [
        ("kader k.toml, oordeel 1", {"code": "a"}), ("kader k.toml, oordeel 2", {"code": "b"})]
    assert schema.tables({}, "blok", "", "blok", default=[]) == []
    assert refused(schema.tables, {"oordelen": [{}, 5]}, "oordelen", "k", "oordeel",
                   "code en regel") == (
        "k, oordeel 2: verwacht een blok [[oordelen]] met code en regel, gevonden een geheel "
        "getal")
    assert refused(schema.tables, {"oordelen": "x"}, "oordelen", "k", "oordeel") == (
        "k: oordelen is tekst; verwacht blokken [[oordelen]]")
    assert refused(schema.tables, {}, "oordelen", "k", "oordeel") == (
        "k: verplichte sleutel 'oordelen' ontbreekt (verwacht blokken [[oordelen]])")


def test_collect_gathers_every_problem_and_goes_on():
    errors: list[SchemaError] = []
    assert schema.collect(errors, lambda: schema.text({"a": "x"}, "a", "", 5), "") == "x"
    assert schema.collect(errors, lambda: schema.text({"a": 5}, "a", "", 5), "") == ""
    assert schema.collect(errors, lambda: schema.optional({"b": []}, "b", dict, "", {}),
                          {}) == {}
    assert [str(e) for e in errors] == [
        "a is een geheel getal; verwacht tekst tussen aanhalingstekens",
        "b is een lijst [...]; verwacht een tabel [...]"]
    with pytest.raises(ZeroDivisionError):  # only a schema error is gathered
        schema.collect(errors, lambda: 1 / 0, 0)


def test_quote_keeps_a_value_to_one_line():
    assert schema.quote("a") == "'a'"
    assert len(schema.quote("x" * 1000)) == 60
