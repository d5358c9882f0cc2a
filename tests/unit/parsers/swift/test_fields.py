from breakdesk.parsers.swift.fields import tokenize


def test_fields_with_multiline_values_and_line_numbers():
    (run,) = tokenize(":20:REF\n:50K:/123\nJOHN DOE  \nMAIN ST\n\n:70:PAY\n", 10, bare=False)
    assert [(f.tag, f.value, f.line) for f in run.fields] == [
        ("20", "REF", 10),
        ("50K", "/123\nJOHN DOE\nMAIN ST", 11),
        ("70", "PAY", 15),
    ]
    assert run.fields[1].number == "50" and run.fields[1].option == "K"


def test_bare_text_splits_on_dash_lines_and_on_a_new_statement_20():
    text = ":20:A\n:25:1\n:60F:C240101EUR1,\n-\n:20:B\n:25:2\n:62F:C240101EUR1,\n:20:C\n:25:3\n"
    runs = tokenize(text, 1, bare=True)
    assert [r.fields[0].value for r in runs] == ["A", "B", "C"]
    assert [r.line for r in runs] == [1, 5, 8]


def test_preamble_lines_are_kept_for_the_processors():
    (run,) = tokenize("ABNANL2A\n940\nABNANL2A\n:20:X\n", 1, bare=True)
    assert run.preamble == [(1, "ABNANL2A"), (2, "940"), (3, "ABNANL2A")]
    assert run.fields[0].line == 4


def test_dash_inside_braced_block4_is_a_pseudo_field():
    (run,) = tokenize(":20:X\n-\n:21:Y", 1, bare=False)
    assert [f.tag for f in run.fields] == ["20", "-", "21"]


def test_bare_text_with_a_kept_terminator():
    runs = tokenize(":20:A\n:25:1\n-}\n:20:B\n", 1, bare=True)
    assert [r.fields[-1].value for r in runs] == ["1", "B"]
