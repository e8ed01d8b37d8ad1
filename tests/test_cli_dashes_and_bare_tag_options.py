"""The command line's values that start with ``-`` (a saved search that leaves something out, a
collection's odd name) and ``tags PHOTO --accept`` / ``--reject`` given without a label, as the
README's command list promises them. Each runs the real ``photoclip`` on a real library indexed by
the bundled small model (the ``library`` fixture of test_cli_new_user.py)."""

import test_cli_new_user

library = test_cli_new_user.library  # 9 pictures, one tagged "red dot", suggestions of two labels


def test_a_saved_search_and_a_name_may_start_with_a_dash(library):
    run, _photos = library
    code, out, err = run("collection", "save", "NoRed", "--query", "-red")
    assert code == 0, err
    assert "Saved the collection 'NoRed' (search: -red)." in out
    code, out, err = run("collection", "save", "-weird", "--query", "circle")
    assert code == 0, err
    assert "Saved the collection '-weird' (search: circle)." in out
    listed = run("collection", "list")[1]
    assert "search: -red" in listed and "-weird" in listed
    # Real options stay options, before or after the query; a missing query is still said.
    code, out, err = run("collection", "save", "Blues", "--query", "blue -red", "-v")
    assert code == 0 and "(search: blue -red)" in out, err
    code, _out, err = run("collection", "save", "Nothing", "--query")
    assert code == 2 and "--query: expected one argument" in err


def test_a_bare_accept_takes_every_suggestion_and_a_bare_reject_says_which_label(library):
    run, photos = library
    photo = next(p for p in photos[1:] if "suggested" in run("tags", str(p))[1])  # photos[0] has "red dot"
    suggested = [line[:24].strip() for line in run("tags", str(photo))[1].splitlines() if "suggested" in line]

    code, _out, err = run("tags", str(photo), "--reject")
    assert code == 1 and "Say which tag to reject: --reject LABEL" in err
    assert "review TAG --reject-all" in err
    assert run("tags", str(photo))[1].count("suggested") == len(suggested)  # nothing changed

    code, out, err = run("tags", str(photo), "--accept")
    assert code == 0, err
    count = len(suggested)
    assert f"Accepted {count} suggestion{'' if count == 1 else 's'}: " in out
    states = [line.split()[-2:] for line in out.splitlines()[1:]]
    assert ["auto", "suggested"] not in states and states.count(["auto", "accepted"]) == count
    code, out, _err = run("tags", str(photo), "--accept")
    assert code == 0 and "This photo has no suggestions to accept." in out

    # A rejected tag leaves the listing, but it is said that there is one.
    code, out, err = run("tags", str(photo), "--reject", suggested[0])
    assert code == 0, err
    assert suggested[0] not in out and "(1 rejected)" in out
    for label in suggested[1:]:
        assert run("tags", str(photo), "--reject", label)[0] == 0
    assert run("tags", str(photo))[1] == f"No tags ({count} rejected).\n"  # not a bare "No tags."
