from breakdesk.app.api.auth import RateLimiter


def test_a_token_gets_its_requests_a_minute_then_waits():
    limiter = RateLimiter()
    assert all(limiter.allow("t1", 3, now=100.0 + i) for i in range(3))
    assert not limiter.allow("t1", 3, now=103.0) and limiter.allow("t2", 3, now=103.0)  # per token
    assert limiter.allow("t1", 3, now=161.0)  # the first request left the window
