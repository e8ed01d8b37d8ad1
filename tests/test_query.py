from photoclip.core.query import parse_query


def no_images(_text):
    return None


def test_plain_words_are_one_term():
    query = parse_query("a dog on a beach at sunset", no_images)
    assert [(t.weight, t.text) for t in query.terms] == [(1.0, "a dog on a beach at sunset")]


def test_minus_and_plus_split_terms_but_hyphenated_words_stay_whole():
    query = parse_query("beach -people + a t-shirt", no_images)
    assert [(t.weight, t.text) for t in query.terms] == [(1.0, "beach"), (-1.0, "people"), (1.0, "a t-shirt")]


def test_a_minus_against_a_word_leaves_out_that_word_alone():
    """As web searches read it: the words after "-people" go on with the search, not with "people"."""
    terms = lambda text: [(t.weight, t.text) for t in parse_query(text, no_images).terms]  # noqa: E731
    assert terms("beach -people sunset") == [(1.0, "beach sunset"), (-1.0, "people")]
    assert terms("-blue red") == [(-1.0, "blue"), (1.0, "red")]
    assert terms('circle -"blue square" big') == [(1.0, "circle big"), (-1.0, "blue square")]
    assert terms("x -2:people y") == [(1.0, "x y"), (-2.0, "people")]
    # a spaced minus still leaves out everything up to the next operator
    assert terms("red circle - blue square") == [(1.0, "red circle"), (-1.0, "blue square")]


def test_spaced_operators_and_weights():
    query = parse_query("2:sunset - 0.5:clouds + lake", no_images)
    assert [(t.weight, t.text) for t in query.terms] == [(2.0, "sunset"), (-0.5, "clouds"), (1.0, "lake")]


def test_quotes_keep_an_operator_inside_a_term():
    query = parse_query('"rock - paper" + scissors', no_images)
    assert [t.text for t in query.terms] == ["rock - paper", "scissors"]


def test_image_paths_become_image_terms(tmp_path):
    image = tmp_path / "my photos - 2020" / "cat.jpg"
    image.parent.mkdir()
    image.write_bytes(b"not really read here")
    whole = parse_query(str(image))
    assert len(whole.terms) == 1 and whole.terms[0].image == image.resolve()
    # A path to an image that is not there is still an image term, not words to search for (a new
    # user's "/tmp/nope/x.jpg" listed 16 random squares): searching it says the file is not there,
    # or uses the stored vector of a library photo whose drive is away. A slash in words is words.
    kinds = [(t.weight, t.image, t.text) for t in parse_query(f"{tmp_path}/x.jpg + snow").terms]
    assert kinds == [(1.0, tmp_path / "x.jpg", None), (1.0, None, "snow")]
    assert [t.text for t in parse_query("red/blue things").terms] == ["red/blue things"]


def test_image_and_words_together(tmp_path):
    image = tmp_path / "cat.png"
    image.write_bytes(b"x")
    query = parse_query(f"{image} + in the snow -dog")
    assert [(t.weight, t.image, t.text) for t in query.terms] == [
        (1.0, image.resolve(), None),
        (1.0, None, "in the snow"),
        (-1.0, None, "dog"),
    ]


def test_an_image_whose_path_holds_a_minus_against_a_word_stays_one_term_beside_words(tmp_path):
    """ "trip -2020/sun.png + red": with a minus against a word leaving out that word alone, the
    path was cut at "-2020" and searched as words and a made-up image."""
    image = tmp_path / "trip -2020" / "sun -edited.png"
    image.parent.mkdir()
    image.write_bytes(b"x")
    for text, words in ((f"{image} + red", ["red"]), (f"{image} sunset + red", ["sunset", "red"])):
        terms = parse_query(text).terms
        assert [t.image for t in terms] == [image.resolve()] + [None] * len(words), text
        assert [t.text for t in terms[1:]] == words
    assert [(t.weight, t.image) for t in parse_query(f"beach -{image}").terms] == [(1.0, None), (-1.0, image.resolve())]


def test_an_image_whose_name_holds_an_operator_stays_one_term_beside_words(tmp_path):
    """Windows names a copy "IMG_0001 - Copy.jpg": with words after it, it was split into the words
    "IMG_0001", minus "Copy.jpg", plus the words (a new user's " + blue" after Find similar)."""
    image = tmp_path / "IMG_0001 - Copy.jpg"
    image.write_bytes(b"x")
    query = parse_query(f"{image} + blue -dog")
    assert [(t.weight, t.image, t.text) for t in query.terms] == [
        (1.0, image.resolve(), None),
        (1.0, None, "blue"),
        (-1.0, None, "dog"),
    ]
    weighted = parse_query(f"2:{image} + blue").terms
    assert [(t.weight, t.image) for t in weighted] == [(2.0, image.resolve()), (1.0, None)]
    # words with operators are still split
    assert [t.text for t in parse_query("sunset - beach + copy").terms] == ["sunset", "beach", "copy"]


def test_minus_tag_is_a_filter_that_leaves_a_tag_out():
    query = parse_query('sunset -tag:"beach ball" tag:kids -dog', known_tags=["kids"])
    assert query.tags == ("kids",) and query.without_tags == ("beach ball",)
    assert [(t.weight, t.text) for t in query.terms] == [(1.0, "sunset"), (-1.0, "dog")]
    known = parse_query("-tag:beach ball red", known_tags=["beach ball"])
    assert known.without_tags == ("beach ball",) and [t.text for t in known.terms] == ["red"]


def test_tags_are_filters_not_terms():
    query = parse_query('tag:beach sunset tag:"red circle"', no_images)
    assert query.tags == ("beach", "red circle")
    assert [t.text for t in query.terms] == ["sunset"]
    assert parse_query("tag:beach", no_images).is_empty


def test_only_negative_terms_leave_nothing_to_rank_by():
    assert parse_query("-people", no_images).is_empty
    assert parse_query("", no_images).is_empty


def test_a_tag_of_several_words_needs_no_quotes_when_the_library_knows_it():
    known = ["green circle", "green", "sunset over the sea"]
    query = parse_query("tag:green circle on grass", is_image=lambda _t: None, known_tags=known)
    assert query.tags == ("green circle",) and [t.text for t in query.terms] == ["on grass"]
    query = parse_query("beach tag:Sunset over the sea -people", is_image=lambda _t: None, known_tags=known)
    assert query.tags == ("sunset over the sea",) and [t.text for t in query.terms] == ["beach", "people"]
    query = parse_query("tag:greenish circle", is_image=lambda _t: None, known_tags=known)
    assert query.tags == ("greenish",) and [t.text for t in query.terms] == ["circle"]  # unknown: one word
    query = parse_query('tag:"green circle" x', is_image=lambda _t: None)
    assert query.tags == ("green circle",) and [t.text for t in query.terms] == ["x"]


def test_a_filter_still_being_typed_names_nothing_and_is_not_searched_for():
    assert [t.text for t in parse_query("sunset folder:").terms] == ["sunset"]
    assert parse_query("sunset folder:").folders == ()
    assert parse_query("folder:").is_empty and not parse_query("folder:").terms
    assert [t.text for t in parse_query('tag:"" sea').terms] == ["sea"] and parse_query('tag:"').tags == ()


def test_a_tag_in_single_quotes_is_one_tag_but_an_apostrophe_is_not_a_quote():
    query = parse_query("tag:'rouge rond' circle", known_tags=["rouge rond"])
    assert query.tags == ("rouge rond",) and [t.text for t in query.terms] == ["circle"]
    assert parse_query("tag:kid's party", known_tags=["kid's party"]).tags == ("kid's party",)


def test_a_huge_weight_is_capped_rather_than_infinite():
    """400 nines used to be an infinite weight, and the weighted score no number at all."""
    terms = parse_query("9" * 400 + ":red + blue", no_images).terms
    assert [(t.weight, t.text) for t in terms] == [(100.0, "red"), (1.0, "blue")]
