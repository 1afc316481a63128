"""W3C Trace Context: traceparent/tracestate propagated with a new span id per upstream attempt,
a trace started when none (or an invalid one) comes in, and the ids in the access log."""

import re

import pytest

from checks import echo
from harness import make_config, poll_until
from recorder import RecordingUpstream

TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE}-{PARENT}-01"
V00 = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@pytest.fixture(scope="module")
def router(module_stack):
    up = module_stack.mock("shared-1")
    prem = module_stack.mock("premium-1")
    return module_stack.router(make_config([up.address], [prem.address], health=False))


def log_line(router, request_id):
    def find():
        for rec in router.access_log():
            if rec.get("request_id") == request_id:
                return rec
        return None
    return poll_until(find, timeout=5, what=f"the access-log line of {request_id}")


def sent_upstream(router, request_id, headers):
    e = echo(router.get("/t", [("X-Request-Id", request_id), *headers]))
    return e["headers"], log_line(router, request_id)


def test_a_trace_is_started_when_none_comes_in(router):
    up, rec = sent_upstream(router, "trace-new-1", [])
    m = V00.match(up["traceparent"])
    assert m, up["traceparent"]
    trace_id, span_id, flags = m.groups()
    assert trace_id != "0" * 32 and flags == "00", "a trace started here is not sampled"
    assert "tracestate" not in up
    assert rec["trace_id"] == trace_id
    assert re.fullmatch(r"[0-9a-f]{16}", rec["span_id"])
    assert span_id != rec["span_id"], "the upstream request is a child span of the router's"
    assert "parent_span_id" not in rec
    _, other = sent_upstream(router, "trace-new-2", [])
    assert other["trace_id"] != trace_id


def test_the_callers_trace_is_continued(router):
    state = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
    up, rec = sent_upstream(router, "trace-in-1", [("traceparent", TRACEPARENT),
                                                    ("tracestate", state)])
    trace_id, span_id, flags = V00.match(up["traceparent"]).groups()
    assert (trace_id, flags) == (TRACE, "01")
    assert span_id not in (PARENT, rec["span_id"])
    assert up["tracestate"] == state
    assert (rec["trace_id"], rec["parent_span_id"]) == (TRACE, PARENT)
    assert rec["span_id"] != PARENT


def test_repeated_tracestate_fields_are_one_list(router):
    up, _ = sent_upstream(router, "trace-in-2", [("TraceParent", TRACEPARENT),
                                                 ("tracestate", "a=1"), ("tracestate", "b=2")])
    assert up["traceparent"].startswith(f"00-{TRACE}-")
    assert up["tracestate"] == "a=1,b=2"


@pytest.mark.parametrize("bad", [
    f"00-{TRACE.upper()}-{PARENT}-01",       # upper-case hex
    f"00-{'0' * 32}-{PARENT}-01",            # all-zero trace id
    f"00-{TRACE}-{'0' * 16}-01",             # all-zero parent id
    f"ff-{TRACE}-{PARENT}-01",               # forbidden version
    f"00-{TRACE}-{PARENT}-01-extra",         # version 00 ends after the flags
    f"00-{TRACE}-{PARENT}",                  # too short
])
def test_an_invalid_traceparent_starts_a_new_trace(router, bad):
    up, rec = sent_upstream(router, "tb-" + bad,
                            [("traceparent", bad), ("tracestate", "rojo=1")])
    trace_id, _, flags = V00.match(up["traceparent"]).groups()
    assert trace_id != TRACE and trace_id == rec["trace_id"]
    assert flags == "00"
    assert "tracestate" not in up, "a restarted trace drops the old trace's state"
    assert "parent_span_id" not in rec


def test_two_traceparents_start_a_new_trace(router):
    up, _ = sent_upstream(router, "trace-two", [("traceparent", TRACEPARENT),
                                                ("traceparent", f"00-{'1' * 32}-{PARENT}-01")])
    trace_id = V00.match(up["traceparent"]).group(1)
    assert trace_id not in (TRACE, "1" * 32)


def test_a_future_version_is_read_and_sent_as_00(router):
    up, _ = sent_upstream(router, "trace-future", [("traceparent", f"cc-{TRACE}-{PARENT}-01-more")])
    trace_id, _, flags = V00.match(up["traceparent"]).groups()
    assert (trace_id, flags) == (TRACE, "01")


def test_each_attempt_gets_a_span_of_its_own(stack):
    refusing = RecordingUpstream(status=503)  # answers 503: the router retries elsewhere
    try:
        good = stack.mock("shared-good")
        prem = stack.mock("premium-1")
        cfg = make_config([refusing.address, good.address], [prem.address],
                          {"pools": {"shared": {"retries": {"attempts": 1, "on": ["503"]},
                                                "outlier_detection": {"max_ejection_percent": 0}}}},
                          health=False)
        router = stack.router(cfg)
        # Round robin over [refusing, good]: within a few requests one tries `refusing` first.
        for i in range(6):
            rid = f"trace-retry-{i}"
            e = echo(router.get("/r", [("X-Request-Id", rid), ("traceparent", TRACEPARENT)]))
            first = [h for h in refusing.recorded() if h.get("x-request-id") == rid]
            if first:
                break
        assert first, "no request was tried on the refusing endpoint first"
        rec = log_line(router, rid)
        assert rec["attempts"] == 2
        first_try = V00.match(first[0]["traceparent"]).groups()
        second_try = V00.match(e["headers"]["traceparent"]).groups()
        assert first_try[0] == second_try[0] == TRACE
        spans = {first_try[1], second_try[1], rec["span_id"], PARENT}
        assert len(spans) == 4, f"each attempt needs a new span id: {spans}"
    finally:
        refusing.close()
