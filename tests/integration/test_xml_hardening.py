"""Hostile XML is refused with UnsafeXMLError before anything is resolved, fetched or read.

* XXE with `file:///`: the target is a FIFO watched by a thread; if anything opened it for reading, the
  watcher's non-blocking open for writing would succeed and write the secret. It must never succeed,
  and the secret must appear nowhere in the error.
* external DTD, external entity and parameter entities point at a real HTTP server on 127.0.0.1 that
  counts requests: the count must stay 0.
* billion laughs and XInclude.
Each case goes through `parse_mx`, the public `parsers.parse`, the streaming reader and `xsd_findings`.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from breakdesk import parsers
from breakdesk.parsers.errors import UnsafeXMLError
from breakdesk.parsers.iso20022 import parse_mx
from breakdesk.parsers.iso20022.stream import iter_statement_entries
from breakdesk.parsers.iso20022.xsd import xsd_findings

pytestmark = pytest.mark.integration

SECRET = "TOP-SECRET-7f3a9c"
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _doc(prolog: str, body: str = "&xxe;") -> bytes:
    return (
        f'<?xml version="1.0"?>\n{prolog}\n<Document xmlns="{NS}"><BkToCstmrStmt><GrpHdr><MsgId>{body}</MsgId>'
        "</GrpHdr></BkToCstmrStmt></Document>"
    ).encode()


class _Counter(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).hits += 1
        payload = f'<!ENTITY % leak "{SECRET}"><!ENTITY xxe "{SECRET}">'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def http_server():
    _Counter.hits = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Counter
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def watched_fifo(tmp_path):
    """A FIFO whose opening for reading is detected (and answered with the secret)."""
    fifo = tmp_path / "secret.txt"
    os.mkfifo(fifo)
    opened = threading.Event()
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: nobody has it open for reading
                    raise
                time.sleep(0.005)
                continue
            opened.set()
            os.write(fd, SECRET.encode())
            os.close(fd)
            return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield fifo, opened
    stop.set()
    thread.join(timeout=2)


def _all_entry_points(data: bytes, tmp_path: Path) -> list[UnsafeXMLError]:
    errors = []
    with pytest.raises(UnsafeXMLError) as info:
        list(parse_mx(data, filename="evil.xml"))
    errors.append(info.value)
    with pytest.raises(UnsafeXMLError) as info:
        parsers.parse(data, filename="evil.xml")
    errors.append(info.value)
    with pytest.raises(UnsafeXMLError) as info:
        xsd_findings(data, "evil.xml")
    errors.append(info.value)
    path = tmp_path / "evil.xml"
    path.write_bytes(data)
    with pytest.raises(UnsafeXMLError) as info:
        list(iter_statement_entries(path))
    errors.append(info.value)
    for err in errors[:3]:
        assert err.file == "evil.xml" and err.line is not None
        assert "evil.xml" in str(err)
    assert errors[3].file == str(path)
    for err in errors:
        assert SECRET not in str(err) and SECRET not in repr(err.__dict__)
    return errors


def test_xxe_file_entity_is_refused_without_opening_the_file(watched_fifo, tmp_path):
    fifo, opened = watched_fifo
    data = _doc(f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{fifo}">]>')
    errors = _all_entry_points(data, tmp_path)
    time.sleep(0.05)
    assert not opened.is_set(), "the XXE target was opened for reading"
    assert errors[0].line == 2 and "DOCTYPE" in str(errors[0])


def test_xxe_without_doctype_at_the_top_is_still_refused(watched_fifo, tmp_path):
    # a comment and a processing instruction before the DOCTYPE do not hide it
    fifo, opened = watched_fifo
    data = _doc(f'<!-- hello --><?pi x?>\n<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{fifo}">]>')
    errors = _all_entry_points(data, tmp_path)
    assert not opened.is_set()
    assert errors[0].line == 3


def test_billion_laughs_is_refused(tmp_path):
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = _doc(f'<!DOCTYPE Document [<!ENTITY lol0 "lol">{lol}]>', body="&lol9;")
    _all_entry_points(data, tmp_path)


def test_external_dtd_and_parameter_entities_make_no_request(http_server, tmp_path):
    base, counter = http_server
    cases = [
        _doc(f'<!DOCTYPE Document SYSTEM "{base}/ext.dtd">', body="x"),
        _doc(f'<!DOCTYPE Document [<!ENTITY % p SYSTEM "{base}/p.dtd"> %p; %leak;]>', body="x"),
        _doc(f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "{base}/secret">]>'),
        _doc(f'<!DOCTYPE Document PUBLIC "-//X//Y" "{base}/public.dtd">', body="x"),
    ]
    for data in cases:
        _all_entry_points(data, tmp_path)
    time.sleep(0.05)
    assert counter.hits == 0


def test_server_is_really_counting(http_server):
    # guards the test above against a server that could not have seen a request anyway
    import urllib.request

    base, counter = http_server
    urllib.request.urlopen(f"{base}/probe", timeout=5).read()
    assert counter.hits == 1


def test_xinclude_is_refused(watched_fifo, http_server, tmp_path):
    fifo, opened = watched_fifo
    base, counter = http_server
    for href in (f"file://{fifo}", f"{base}/inc.xml"):
        data = (
            f'<?xml version="1.0"?>\n<Document xmlns="{NS}" xmlns:xi="http://www.w3.org/2001/XInclude">'
            f'<BkToCstmrStmt><GrpHdr><MsgId><xi:include href="{href}" parse="text"/></MsgId></GrpHdr>'
            "</BkToCstmrStmt></Document>"
        ).encode()
        errors = _all_entry_points(data, tmp_path)
        assert "XInclude" in str(errors[0])
    time.sleep(0.05)
    assert not opened.is_set() and counter.hits == 0


def test_utf16_doctype_is_refused(tmp_path):
    data = '\ufeff<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE Document [<!ENTITY a "b">]><Document/>'
    with pytest.raises(UnsafeXMLError):
        list(parse_mx(data.encode("utf-16-le"), filename="u16.xml"))


def test_fifo_watcher_really_detects_a_read(watched_fifo):
    # guards the XXE tests: an unhardened parser resolving the entity is caught by the watcher
    from lxml import etree

    fifo, opened = watched_fifo
    data = _doc(f'<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file://{fifo}">]>')
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=True, load_dtd=True))
    assert opened.wait(2)
    assert SECRET in etree.tostring(root).decode()
