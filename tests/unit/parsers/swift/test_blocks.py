import pytest

from breakdesk.parsers.errors import MalformedMessageError, ParseError
from breakdesk.parsers.swift.blocks import normalize_newlines, split_envelopes

ONE = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{3:{108:MUR}{121:180f1e65-90e0-44d5-a49a-92b55eb3025f}}{4:\n:20:R1\n-}{5:{CHK:ABC}}"


def envs(text):
    return list(split_envelopes(normalize_newlines(text), filename="f"))


def test_blocks_of_one_message_on_one_line():
    (env,) = envs(ONE)
    assert env.block1 == "F01BANKBEBBAXXX0000000000"
    assert env.block2 == "I103BANKDEFFXXXXN"
    assert env.block3 == {"108": "MUR", "121": "180f1e65-90e0-44d5-a49a-92b55eb3025f"}
    assert env.block4 == ":20:R1"
    assert env.block5 == {"CHK": "ABC"}
    assert env.block4_line == 2 and not env.bare


def test_blocks_on_separate_lines_with_trailing_spaces_and_crlf():
    text = "{1:F01BANKBEBBAXXX0000000000}  \r\n{2:I103BANKDEFFXXXXN}\r\n{4:\r\n:20:R1\r\n:23B:CRED\r\n-} \r\n"
    (env,) = envs(text)
    assert env.block2 == "I103BANKDEFFXXXXN"
    assert env.block4 == ":20:R1\n:23B:CRED"
    assert env.block4_line == 4


def test_rje_file_with_ack_service_messages_yields_only_business_messages():
    ack = "{1:F21BANKBEBBAXXX0000000000}{4:{177:1704260717}{451:0}}"
    nak = "{1:F21BANKBEBBAXXX0000000001}{4:{177:1704260717}{451:1}{405:H25}}"
    text = f"{ack}{ONE}\n${nak}{ONE}\n$"
    out = envs(text)
    assert len(out) == 2
    assert [e.network_ack for e in out] == ["ACK", "NAK H25"]


def test_bare_block4_text_is_one_envelope():
    (env,) = envs(":20:A\n:25:X\n-\n:20:B\n")
    assert env.bare and env.block4.startswith(":20:A")


@pytest.mark.parametrize(
    "text, line",
    [
        ("{1:F01BANKBEBBAXXX0000000000{2:I103BANKDEFFXXXXN}", 1),  # block 1 never closed
        ("{1:F01BANKBEBBAXXX0000000000}\n{7:XX}", 2),  # unknown block
        ("{1:F01BANKBEBBAXXX0000000000}{4:\n:20:R1\n", 1),  # no -} terminator
        ("{1:F01BANKBEBBAXXX0000000000}{3:{108:A}{4:\n:20:R\n-}", 1),  # block 3 unbalanced
    ],
)
def test_broken_block_structure_is_a_located_error(text, line):
    with pytest.raises(MalformedMessageError) as exc:
        envs(text)
    assert exc.value.file == "f" and exc.value.line == line
    assert isinstance(exc.value, ParseError)
