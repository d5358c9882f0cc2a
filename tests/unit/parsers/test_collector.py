"""The collector pause around `parsers.parse`: it nests, it is shared by threads, and it restores the
state it found, also when a parse fails."""

from __future__ import annotations

import gc
import threading

import pytest

from breakdesk import parsers
from breakdesk.parsers.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_back_on():  # type: ignore[no-untyped-def]
    yield
    gc.enable()


def test_pause_nests_and_resumes_once() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer parse is still running
    assert gc.isenabled()


def test_survivors_are_promoted_to_the_oldest_generation() -> None:
    gc.enable()
    gc.collect()
    with collector_paused():
        kept = [[i] for i in range(5000)]  # tracked containers that survive the parse
    assert gc.get_freeze_count() == 0 and all(gc.is_tracked(x) for x in kept)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in kept)  # not left young, for a collection to traverse again


def test_objects_the_application_froze_stay_frozen() -> None:
    """A pre-fork server froze its objects; the promotion (freeze + unfreeze) would thaw them too.
    Checked on one frozen object, not on the freeze count, which drops whenever a frozen object dies
    (another test's thread, a cache) and made an exact count flaky."""
    gc.enable()
    sentinel = [["frozen by the application"]]
    gc.freeze()
    try:
        with collector_paused():
            _ = [{"entry": i} for i in range(100)]
        assert gc.get_freeze_count() > 0
        assert not any(o is sentinel for o in gc.get_objects(generation=2))  # still frozen, not thawed into gen 2
    finally:
        gc.unfreeze()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_threads_share_one_pause() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with collector_paused():
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's parse has not ended yet
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_parse_resumes_the_collector_after_success_and_failure() -> None:
    gc.enable()
    assert parsers.parse(":20:REF\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C260101EUR1,00\n:62F:C260101EUR1,00\n",
                         filename="ok.sta")
    assert gc.isenabled()
    with pytest.raises(parsers.ParseError):
        parsers.parse("<Document><unclosed>", filename="bad.xml")
    assert gc.isenabled()
