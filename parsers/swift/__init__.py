"""SWIFT MT reader: blocks 1-5, field grammar, one module per message family, into `Message`.

    blocks.py      envelopes (braced blocks, RJE `$`, ACK/NAK service messages, bare block-4 text)
    fields.py      `:TAG:` fields with their line numbers; splits bare text into messages
    tags.py        the tag registry (one class per tag, verbose regex of named groups)
    processors.py  bank quirks as pre/post processors
    header.py      blocks 1/2/3/5 → Header; MT type inference for bare text
    mt103.py       MT103, MT202, MT202COV (+ returns/rejects)     mt19x.py  MT192/292, MT196/296
    mt199.py       MT199/299 free format                          mt9xx.py  MT940/942/950, MT900/910
    mandatory.py   each family's mandatory fields; a bare MT942's proof of its end

Text with NUL or other control characters is refused first (`parsers.controls`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import ValidationError

from breakdesk.parsers.canonical import Header, Message
from breakdesk.parsers.controls import may_hold_controls, refuse_controls
from breakdesk.parsers.errors import MalformedMessageError, ParseError, UnknownMessageTypeError
from breakdesk.parsers.source import UTF16_BOMS, decode_mt
from breakdesk.parsers.swift import mt9xx, mt19x, mt103, mt199
from breakdesk.parsers.swift.blocks import Envelope, normalize_newlines, split_envelopes
from breakdesk.parsers.swift.fields import FieldRun, RawField, tokenize
from breakdesk.parsers.swift.header import infer_mt, read_header
from breakdesk.parsers.swift.mandatory import check_bare_end, check_mandatory
from breakdesk.parsers.swift.processors import DEFAULT_PROCESSORS, Processor, merged
from breakdesk.parsers.swift.reading import MessageContext, Reading

__all__ = ["parse_mt"]

_FAMILY_KIND = {
    "103": "payment", "202": "payment", "205": "payment",
    "192": "cancellation_request", "292": "cancellation_request",
    "196": "cancellation_answer", "296": "cancellation_answer",
    "199": "free_format", "299": "free_format", "999": "free_format",
    "940": "statement", "942": "statement", "950": "statement", "900": "statement", "910": "statement",
}


def parse_mt(
    data: bytes, *, filename: str | None = None, processors: Mapping[str, list[Processor]] | None = None,
    strict: bool = False,
) -> Iterator[Message]:
    """Yield every business message in `data` (ACK/NAK service messages are not messages).

    `processors` replaces default quirk hooks by key (see `parsers.swift.processors`).

    Lenient (the default): a tolerated bank deviation is a `BANK_DEVIATION` finding, stray text a
    `TEXT_OUTSIDE_FIELDS` finding, and an entry or message that cannot be read an `UNREADABLE_ENTRY` /
    `UNREADABLE_MESSAGE` error finding with its raw text; the rest of the file is read. The findings go on
    `Message.findings` of the message they were found in (or, between messages, the next one read; at the
    end, the last). A file is refused only when not one message can be read, with the first error.
    `strict=True` refuses the file at the first error, as the standard reads.
    """
    text = decode_mt(data, filename=filename)
    procs = merged(processors)
    reading = Reading(file=filename, strict=strict)
    text = reading.run(procs.get("pre_text", ()), text, message_index=0, where=lambda _b, _a: (None, None))
    text = normalize_newlines(text)
    # The text is searched (to locate the character) only when it may hold one: UTF-16, a caller's own
    # text hooks, or a control byte somewhere in the input (mBank's SOH/ETX framing, removed above).
    if data[:2] in UTF16_BOMS or procs.get("pre_text") != DEFAULT_PROCESSORS.get("pre_text") or may_hold_controls(data):
        refuse_controls(text, file=filename, mt_fields=True)
    index = 0
    held: Message | None = None  # yielded once the next one is read, so findings after it can join it
    first_error: ParseError | None = None
    try:
        for env in split_envelopes(text, filename=filename):
            try:
                runs = tokenize(env.block4, env.block4_line, bare=env.bare)
                if not runs and not env.bare:
                    raise MalformedMessageError("message has no fields in block 4", file=filename, line=env.line)
            except ParseError as exc:
                if strict:
                    raise
                first_error = first_error or exc
                reading.unreadable(exc, "UNREADABLE_MESSAGE", message_index=index)
                continue
            for run in runs:
                noted = len(reading.findings)
                try:
                    msg = _message(env, run, index, filename, procs, reading)
                except ParseError as exc:
                    if strict:
                        raise
                    first_error = first_error or exc
                    del reading.findings[noted:]  # what was noted inside it goes with it: one finding, its text
                    reading.unreadable(exc, "UNREADABLE_MESSAGE", message_index=index, text=_raw(run))
                    continue
                if msg is None:
                    continue
                msg.findings = reading.take()
                if held is not None:
                    yield held
                held = msg
                index += 1
    except ParseError as exc:  # the envelope structure itself breaks off (unbalanced braces, a cut-off file)
        if strict or held is None:
            raise
        reading.unreadable(exc, "UNREADABLE_MESSAGE", message_index=index)
    if held is None:
        if first_error is not None:
            raise first_error
        stray = [f for f in reading.findings if f.code == "TEXT_OUTSIDE_FIELDS"]
        if stray:  # only stray text: no message structure at all
            first = stray[0]
            raise UnknownMessageTypeError("no SWIFT MT field (':20:' …) found; this is not MT text", file=filename,
                                          line=first.location.line, fragment=(first.value or "").split("\n")[0])
        return
    held.findings.extend(reading.take())
    yield held


def _first_changed_field(before: list[RawField], after: list[RawField]) -> tuple[int | None, str | None]:
    """Where a fields hook changed the list: the first field it dropped, rewrote or merged."""
    for i, f in enumerate(before):
        if i >= len(after) or after[i] is not f:
            return f.line, f":{f.tag}:{f.value}"
    return (before[-1].line if before else None), None


def _raw(run: FieldRun) -> str:
    """A left-out message's own text, kept on its finding so nothing of it is lost."""
    lines = [text for _, text in run.preamble] + ["-" if f.tag == "-" else f":{f.tag}:{f.value}" for f in run.fields]
    return "\n".join(lines)


def _message(
    env: Envelope, run: FieldRun, index: int, filename: str | None, procs: dict, reading: Reading
) -> Message | None:
    preamble = run.preamble
    preamble = reading.run(procs.get("pre_preamble", ()), preamble, message_index=index,
                           where=lambda before, after: next((ln for ln in before if ln not in after), (None, None)))
    if preamble:
        line, text = preamble[0]
        if reading.strict:
            if not run.fields:
                raise UnknownMessageTypeError(
                    "no SWIFT MT field (':20:' …) found; this is not MT text", file=filename, line=line, fragment=text
                )
            raise MalformedMessageError("text outside any field", file=filename, line=line, fragment=text)
        reading.note("warning", "TEXT_OUTSIDE_FIELDS", f"text outside any field, kept here, not read as data "
                     f"(got {' '.join(text.split())[:60]!r}{' …' if len(preamble) > 1 else ''})",
                     line=line, message_index=index, value="\n".join(t for _, t in preamble)[:2000])
    fields = run.fields
    fields = reading.run(procs.get("pre_fields", ()), fields, message_index=index, where=_first_changed_field)
    if not fields:
        return None
    for f in fields:
        if f.tag == "-":
            raise MalformedMessageError("a '-' line inside block 4", file=filename, line=f.line, fragment="-")
    line = run.line if env.bare else env.line
    header, mt = read_header(env, filename, reading, index, procs) if not env.bare else (Header(), None)
    if mt is None:
        # Bare text: statement lines after a '-' without a new :20: are not a statement (no :20:, no
        # balances); `check_mandatory` refuses them instead of continuing the previous one.
        mt = infer_mt(fields, filename=filename, line=line)
    kind = _FAMILY_KIND.get(mt)
    if kind is None:
        raise UnknownMessageTypeError(f"MT{mt} is not a message type Breakdesk reads", file=filename, line=line)
    message_type = family = f"MT{mt}"
    if mt == "202" and (header.validation_flag == "COV" or any(f.number == "50" for f in fields)):
        message_type = "MT202COV"
    ctx = MessageContext(
        file=filename, message_index=index, message_type=message_type, fields=fields, processors=procs, line=line,
        reading=reading,
    )
    try:
        msg = _build(ctx, header, mt, kind, family)
    except ValidationError as exc:  # a value our grammar let through but the model refuses
        raise MalformedMessageError(
            f"value refused by the canonical model: {exc.errors()[0].get('msg')}", file=filename, line=line,
            message_type=message_type, message_index=index,
        ) from None
    # After the fields are read, so a bad field is reported where it is before what is missing.
    # Issue #21: a message without a mandatory field (a statement no closing balance confirms, a payment
    # without its creditor) is not booked, even leniently: it is left out as UNREADABLE_MESSAGE.
    check_mandatory(message_type, fields, file=filename, line=line, message_index=index)
    check_bare_end(message_type, fields, closed=run.closed, file=filename, message_index=index)
    return msg


def _build(ctx: MessageContext, header: Header, mt: str, kind: str, family: str) -> Message:
    prov = ctx.provenance(ctx.line)
    msg = Message(message_type=ctx.message_type, family=family, kind=kind, provenance=prov, header=header)
    first20 = ctx.first("20")
    if first20 is not None and mt not in ("940", "942", "950"):
        header.message_id = ctx.read(first20)["reference"]
    if kind == "payment":
        seq_a, seq_b = mt103.split_cover(ctx.fields) if ctx.message_type == "MT202COV" else (ctx.fields, [])
        tx = mt103.read_transaction(ctx, seq_a)
        tx.uetr = header.uetr
        if seq_b:
            tx.underlying = mt103.read_transaction(ctx, seq_b, cover_b=True)
            tx.underlying.uetr = header.uetr
        msg.transactions = [tx]
        f72 = next((f for f in seq_a if f.tag == "72"), None)
        if f72 is not None:
            f21 = next((f for f in seq_a if f.tag == "21"), None)
            ret = mt103.return_of(ctx, tx, f72, related=ctx.read(f21)["reference"] if f21 else None)
            if ret is not None:
                msg.kind = "return"
                msg.returns = [ret]
    elif kind == "cancellation_request":
        req = mt19x.read_cancellation_request(ctx)
        req.original_uetr = req.original_uetr or header.uetr
        msg.cancellations = [req]
    elif kind == "cancellation_answer":
        ans = mt19x.read_cancellation_answer(ctx)
        ans.original_uetr = header.uetr
        msg.answers = [ans]
    elif kind == "free_format":
        msg.free_format = mt199.read_free_format(ctx)
    elif mt in ("900", "910"):
        msg.statements = [mt9xx.read_confirmation(ctx, credit=mt == "910")]
    else:
        msg.statements = [mt9xx.read_statement(ctx, "report" if mt == "942" else "statement")]
    return msg
