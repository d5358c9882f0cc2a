"""Block tokenizer: splits MT text into envelopes (blocks 1-5), tolerating how banks really export.

Accepted shapes, all in one file and mixed:

* full messages `{1:...}{2:...}{3:{108:..}}{4:\\n:20:...\\n-}{5:{CHK:..}}`, blocks on one line or on
  separate lines, trailing spaces after blocks, blocks 1/2/3/5 all optional;
* RJE files: messages separated by `$` lines;
* service messages (`{1:F21...}{4:{177:..}{451:0}}`, network ACK/NAK): never returned as messages;
  their result is handed to the business message that follows them;
* bare block-4 text (no braces at all), which most bank statement exports are. Bare text is returned
  as one envelope with `bare=True`; `fields.split_bare` cuts it into messages.

Unbalanced braces and unknown block ids raise `MalformedMessageError`, block 4 without its `-}`
terminator `TruncatedMessageError`, each with the line where the problem starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from breakdesk.parsers.errors import MalformedMessageError, TruncatedMessageError

_SKIP = re.compile(r"[\s$]*")
_BLOCK_START = re.compile(r"\{([0-9A-Z]{1,3}):")
_FLAT_BLOCK = re.compile(r"([^{}]*)\}")
_SUB_BLOCK = re.compile(r"\s*\{([^:{}]+):([^{}]*)\}")
_BETWEEN_BLOCKS = re.compile(r"[ \t]*\n?[ \t]*")
_NEXT_BRACE_OR_RJE = re.compile(r"^[{$]", re.M)
_SPACES = re.compile(r"\s*")


@dataclass(slots=True)
class Envelope:
    """One message's blocks as text. `block4_line` is the file line of block 4's first character."""

    line: int
    block4: str
    block4_line: int
    block1: str | None = None
    block2: str | None = None
    block3: dict[str, str] = field(default_factory=dict)
    block5: dict[str, str] = field(default_factory=dict)
    bare: bool = False
    network_ack: str | None = None

    @property
    def is_service_message(self) -> bool:
        # Application id F, service id 21 = ACK/NAK (01 is a user-to-user message).
        return bool(self.block1 and self.block1[1:3] == "21")


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_envelopes(text: str, *, filename: str | None = None) -> Iterator[Envelope]:
    """Yield the business envelopes of `text` (already newline-normalized) in file order."""
    pos, line, n = 0, 1, len(text)
    pending_ack: str | None = None
    while True:
        m = _SKIP.match(text, pos)
        line += text.count("\n", pos, m.end())
        pos = m.end()
        if pos >= n:
            break
        if text[pos] == "{":
            env, end = _read_blocks(text, pos, line, filename)
            line += text.count("\n", pos, end)
            pos = end
            if env.is_service_message:
                pending_ack = _ack_result(env)
                continue
            env.network_ack = pending_ack
            pending_ack = None
            yield env
        else:
            nxt = _NEXT_BRACE_OR_RJE.search(text, pos)
            end = nxt.start() if nxt else n
            yield Envelope(line=line, block4=text[pos:end], block4_line=line, bare=True)
            line += text.count("\n", pos, end)
            pos = end


def _ack_result(env: Envelope) -> str:
    code = env.block3.get("451") or env.block5.get("451") or _sub(env.block4).get("451")
    if code == "0":
        return "ACK"
    error = _sub(env.block4).get("405")
    return f"NAK {error}" if error else "NAK"


def _sub(block4: str) -> dict[str, str]:
    return dict(_SUB_BLOCK.findall(block4)) if block4.startswith("{") else {}


def _read_blocks(text: str, pos: int, line: int, filename: str | None) -> tuple[Envelope, int]:
    """Read consecutive `{N:...}` blocks of one message; stop at a block id that starts a new one."""
    env = Envelope(line=line, block4="", block4_line=line)
    last = 0
    while pos < len(text) and text[pos] == "{":
        m = _BLOCK_START.match(text, pos)
        if m is None:
            raise MalformedMessageError(
                "expected a block like '{1:' here", file=filename, line=line, fragment=text[pos : pos + 20]
            )
        block_id = m.group(1)
        order = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "S": 6}.get(block_id)
        if order is None:
            raise MalformedMessageError(
                f"unknown block {{{block_id}:", file=filename, line=line, fragment=text[pos : pos + 20]
            )
        if order <= last:
            break  # a new message starts here
        last = order
        begin, body = pos, m.end()
        if block_id in ("1", "2"):
            fm = _FLAT_BLOCK.match(text, body)
            if fm is None:
                raise MalformedMessageError(
                    f"block {block_id} is not closed by '}}'", file=filename, line=line,
                    fragment=text[pos : pos + 40],
                )
            if block_id == "1":
                env.block1 = fm.group(1).strip()
            else:
                env.block2 = fm.group(1).strip()
            pos = fm.end()
        elif block_id == "4" and not text.startswith("{", body):
            close = text.find("\n-}", body - 1)
            if close < 0:
                raise TruncatedMessageError(
                    "block 4 is not closed by a '-}' line (the file ends inside the message)", file=filename, line=line,
                    fragment=text[pos : pos + 40],
                )
            content_start = body
            if text.startswith("\n", content_start) and content_start <= close:
                content_start += 1
            env.block4_line = line + text.count("\n", begin, content_start)
            env.block4 = text[content_start:close] if content_start <= close else ""
            pos = close + 3
        else:
            values, pos = _read_sub_blocks(text, body, block_id, line, filename)
            if block_id == "3":
                env.block3 = values
            elif block_id == "4":
                env.block4 = "".join(f"{{{k}:{v}}}" for k, v in values.items())
            else:
                env.block5.update(values)
        line += text.count("\n", begin, pos)
        gap = _BETWEEN_BLOCKS.match(text, pos)
        if gap.end() < len(text) and text[gap.end()] == "{":
            line += text.count("\n", pos, gap.end())
            pos = gap.end()
    return env, pos


def _read_sub_blocks(
    text: str, pos: int, block_id: str, line: int, filename: str | None
) -> tuple[dict[str, str], int]:
    values: dict[str, str] = {}
    while True:
        sm = _SUB_BLOCK.match(text, pos)
        if sm is None:
            break
        values[sm.group(1).strip()] = sm.group(2)
        pos = sm.end()
    ws = _SPACES.match(text, pos).end()
    if not text.startswith("}", ws):
        raise MalformedMessageError(
            f"block {block_id} is not closed by '}}' (unbalanced braces)", file=filename, line=line,
            fragment=text[pos : pos + 40],
        )
    return values, ws + 1
