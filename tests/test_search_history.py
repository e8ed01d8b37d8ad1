"""Search history, suggestions and "why it matched" in the core and on the command line: a real
library (SQLite, the small model), the real ``photoclip`` command."""

import json
import re

import pytest
from pictures import write_set

from photoclip.cli.main import main as cli
from photoclip.core.query import parse_query
from photoclip.core.query_help import QUERY_SYNTAX
from photoclip.core.search_history import SearchHistory
from photoclip.core.suggestions import Names, suggest
from photoclip.core.why import hit_for, term_scores

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def library(tmp_path, open_library):
    """12 pictures in 'Holidays 2024' and its 'Beach day' sub-folder, indexed, one tag given."""
    write_set(tmp_path / "Holidays 2024", CLASSES, 2)
    write_set(tmp_path / "Holidays 2024" / "Beach day", CLASSES, 1, seed=5)
    opened = open_library()
    opened.add_root(tmp_path / "Holidays 2024")
    opened.update()
    photo = opened.search("a red circle", limit=1).hits[0].photo
    opened.tags.add(photo.id, "beach ball")
    return opened


def argv(library):
    return ["--library", str(library.paths.root), "--model", "photoclip-tiny"]


# -- history -------------------------------------------------------------------------------------
def test_history_keeps_searches_most_recent_first_without_repeats_and_capped(tmp_path):
    history = SearchHistory(tmp_path / "h.json", limit=3)
    for n, text in enumerate(["beach", "sunset  over   the lake", "Beach", "dog", "cat"]):
        history.add(text, at=1000.0 + n)
    # "Beach" replaced "beach" (any case), spaces collapsed, the oldest dropped off the end.
    assert history.recent() == ["cat", "dog", "Beach"]
    assert not history.add("   ")
    history.remove("DOG")
    assert history.recent() == ["cat", "Beach"]
    history.clear()
    assert history.recent() == [] and not (tmp_path / "h.json").exists()


def test_a_damaged_history_file_is_only_suggestions_lost(tmp_path):
    (tmp_path / "h.json").write_text("{not json")
    history = SearchHistory(tmp_path / "h.json")
    assert history.recent() == []
    history.add("beach")
    assert history.recent() == ["beach"]


def test_the_library_remembers_searches_only_while_the_setting_is_on(library):
    assert library.remember_search("a red circle")
    assert library.remember_search("beach -people")
    assert library.recent_searches() == ["beach -people", "a red circle"]
    # Two handles on one library (two windows) add to the same list.
    other = type(library).open(library.paths.root, model="photoclip-tiny", loaded_model=library.model())
    other.remember_search("yellow star")
    assert library.recent_searches() == ["yellow star", "beach -people", "a red circle"]
    other.close()
    library.settings.set("remember_searches", False)
    assert not library.remember_search("green triangle")
    assert library.recent_searches() == []  # turning it off forgot what was kept
    assert not (library.paths.root / "search_history.json").exists()


def test_history_on_the_command_line_lists_forgets_and_clears(library, capsys):
    library.remember_search("a red circle")
    library.remember_search("tag:beach ball")
    assert cli([*argv(library), "history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == ["tag:beach ball", "a red circle"]
    assert cli([*argv(library), "history", "--forget", "A RED CIRCLE", "--json"]) == 0
    assert [e["text"] for e in json.loads(capsys.readouterr().out)] == ["tag:beach ball"]
    # A command-line search is not recorded (scripts would flood the list).
    assert cli([*argv(library), "search", "blue square", "-n", "1"]) == 0
    assert library.recent_searches() == ["tag:beach ball"]
    assert cli([*argv(library), "history", "--clear"]) == 0
    assert "cleared" in capsys.readouterr().err
    assert library.recent_searches() == []


# -- suggestions ---------------------------------------------------------------------------------
NAMES = Names(
    tags=(("beach", 12), ("beach ball", 2), ("green circle", 5)),
    folders=(("Holidays 2024", 40), ("Beach day", 4), ("2019 Paris trip", 9)),
)


def texts(found):
    return [s.text for s in found]


def test_nothing_typed_offers_the_recent_searches():
    assert texts(suggest("", ["dog", "cat"], NAMES)) == ["dog", "cat"]


def test_a_recent_search_is_offered_for_its_beginning_and_the_names_for_the_word_typed():
    found = suggest("bea", ["beach -people", "sunset", "a beach at dusk"], NAMES)
    assert [(s.text, s.kind) for s in found] == [
        ("beach -people", "recent"),
        ("a beach at dusk", "recent"),
        ("beach", "tag"),
        ("beach day", "folder"),
        ("beach ball", "tag"),
    ]
    assert found[2].note == "tag · 12 photos"


def test_the_word_being_typed_is_completed_keeping_what_comes_before_it():
    assert texts(suggest("sunset -bea", [], NAMES))[:2] == ["sunset -beach", "sunset -beach day"]
    assert "2:paris trip" in texts(suggest("2:par", [], NAMES))  # a word of a folder's name
    assert texts(suggest("b", ["beach"], NAMES)) == ["beach"]  # a recent search from one letter on
    assert suggest("sunset b", [], NAMES) == []  # one letter completes nothing


def test_tag_and_folder_filters_are_completed_with_whole_names_quoted_when_needed():
    assert texts(suggest("tag:", [], NAMES)) == ["tag:beach ", 'tag:"green circle" ', 'tag:"beach ball" ']
    assert texts(suggest("sunset tag:gre", [], NAMES)) == ['sunset tag:"green circle" ']
    assert texts(suggest("folder:par", [], NAMES)) == ['folder:"2019 Paris trip" ']
    assert texts(suggest('folder:"holi', [], NAMES)) == ['folder:"Holidays 2024" ']
    # What is typed already is not offered again.
    assert "beach" not in texts(suggest("beach", ["beach"], NAMES))


def test_suggestions_match_without_regard_to_accents_or_case_as_the_search_does():
    names = Names(tags=(("café", 3),), folders=(("Zürich 2020", 7), ("Île de Ré", 2)))
    assert texts(suggest("folder:z", [], names)) == ['folder:"Zürich 2020" ']
    assert texts(suggest("folder:zu", [], names)) == ['folder:"Zürich 2020" ']
    assert texts(suggest("folder:ZÜR", [], names)) == ['folder:"Zürich 2020" ']
    assert texts(suggest("folder:re", [], names)) == ['folder:"Île de Ré" ']  # a later word, accented
    assert texts(suggest("tag:cafe", [], names)) == ["tag:café "]
    assert texts(suggest("zur", [], names)) == ["zürich 2020"]  # the name as written, accents kept
    assert texts(suggest("cafe", ["Café au lait"], names)) == ["Café au lait", "café"]


def test_the_library_names_its_tags_and_folders_for_suggestions(library):
    names = library.search_names()
    assert ("beach ball", 1) in names.tags
    assert dict(names.folders) == {"Holidays 2024": 12, "Beach day": 4}
    assert texts(library.suggest_searches("tag:bea")) == ['tag:"beach ball" ']


def test_every_example_of_the_help_page_is_a_query_the_parser_understands():
    """The Help page and ``search --help`` show these: each must parse to what it claims."""
    for example in QUERY_SYNTAX:
        query = parse_query(example.example, is_image=lambda t: None)
        assert query.terms or query.tags or query.folders or query.cameras, example
    assert parse_query("beach -people").terms[1].negative
    assert parse_query("2:sunset + lake").terms[0].weight == 2


# -- why it matched ------------------------------------------------------------------------------
def test_each_term_of_a_combined_query_has_its_score(library):
    results = library.search("red circle - blue square", strictness="all", limit=50)
    hit = results.hits[0]
    scores = term_scores(hit, results.query)
    assert [(s.term, s.negative) for s in scores] == [("red circle", False), ("blue square", True)]
    assert [s.score for s in scores] == pytest.approx(list(hit.terms))
    assert scores[0].score > scores[1].score  # the top photo is a red circle, not a blue square
    assert re.fullmatch(r"-blue square -?\d\.\d\d", str(scores[1]))  # a cosine, so possibly below 0
    assert hit_for(results, hit.photo.id) is hit
    assert hit_for(library.search(""), hit.photo.id) is None  # a listing ranks nothing


def test_search_explain_prints_each_terms_score_and_what_the_photo_looks_like(library, capsys):
    assert cli([*argv(library), "search", "red circle -blue", "-n", "2", "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4  # a result, then why, twice
    why = lines[1].strip()
    assert why.startswith("red circle 0.") and ", -blue " in why and "; looks like: " in why
    assert cli([*argv(library), "search", "red circle -blue", "-n", "1", "--explain", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert [t["term"] for t in row["terms"]] == ["red circle", "-blue"]
    assert row["terms"][0]["score"] > row["terms"][1]["score"]
    looks = row["looks_like"]
    assert len(looks) == 3 and all(isinstance(x["label"], str) and x["score"] for x in looks)
    assert looks[0]["score"] >= looks[1]["score"] >= looks[2]["score"]
