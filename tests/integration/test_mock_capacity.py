"""mock-upstream's capacity mode (--slots N --service-ms T): at most N requests in service, the
rest waiting FIFO; clients that leave are counted as cancelled; the service time changes at run
time. bench/tier-flood stands on these behaviours, and hedging tests on `cancelled`."""

from __future__ import annotations

import subprocess
import threading

import harness
import wire
from harness import poll_until


def capacity_mock(stack, slots: int, service_ms: int):
    return stack.mock("cap", extra_args=("--slots", str(slots), "--service-ms", str(service_ms)))


class Background:
    """One GET on its own connection, from a thread; the response (or the error) is kept."""

    def __init__(self, port: int, target: str):
        self.response = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(port, target), daemon=True)
        self.thread.start()

    def _run(self, port, target):
        try:
            self.response = wire.request(port, "GET", target, timeout=30)
        except Exception as e:  # noqa: BLE001 - reported by result()
            self.error = e

    def result(self) -> wire.Response:
        self.thread.join(timeout=30)
        assert self.error is None and self.response is not None, self.error
        return self.response


def wait_stats(mock, **want):
    return poll_until(lambda: all(mock.stats()[k] == v for k, v in want.items()) and mock.stats(),
                      timeout=10, what=f"mock stats {want}")


def service_interval(resp: wire.Response) -> tuple:
    return int(resp.header("X-Mock-Service-Start-Us")), int(resp.header("X-Mock-Service-End-Us"))


def max_overlap(intervals: list) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals],
                    key=lambda ev: (ev[0], ev[1]))  # an end before a start at the same instant
    best = now = 0
    for _, delta in events:
        now += delta
        best = max(best, now)
    return best


def test_two_slots_serve_four_requests_in_two_fifo_waves(stack):
    mock = capacity_mock(stack, slots=2, service_ms=200)
    first = [Background(mock.port, f"/w1-{i}") for i in range(2)]
    wait_stats(mock, in_service=2)
    third = Background(mock.port, "/w2-a")
    wait_stats(mock, queued=1)
    fourth = Background(mock.port, "/w2-b")
    wait_stats(mock, queued=2)

    wave1 = [b.result() for b in first]
    wave2 = [third.result(), fourth.result()]
    assert all(r.status == 200 for r in wave1 + wave2)
    assert sorted(int(r.header("X-Mock-Service-Order")) for r in wave1) == [1, 2]
    # FIFO: the third arrival enters service before the fourth
    assert [int(r.header("X-Mock-Service-Order")) for r in wave2] == [3, 4]
    intervals = [service_interval(r) for r in wave1 + wave2]
    assert max_overlap(intervals) == 2
    # each of the second wave starts only once a request of the first has left service
    ends = sorted(e for _, e in intervals[:2])
    starts = sorted(s for s, _ in intervals[2:])
    assert starts[0] >= ends[0] and starts[1] >= ends[1]
    stats = mock.stats()
    assert (stats["in_service"], stats["queued"], stats["max_queued"]) == (0, 0, 2)
    assert (stats["served"], stats["cancelled"], stats["slots"]) == (4, 0, 2)


def test_client_that_leaves_is_cancelled_queued_or_in_service(stack):
    mock = capacity_mock(stack, slots=1, service_ms=5000)
    holder = wire.HttpConnection(port=mock.port, timeout=10)
    holder.send_request("GET", "/holder")
    wait_stats(mock, in_service=1)
    with wire.HttpConnection(port=mock.port, timeout=10) as waiting:
        waiting.send_request("GET", "/waiting")
        wait_stats(mock, queued=1)
    # the queued request leaves the queue at once; the one in service is not answered yet
    stats = wait_stats(mock, cancelled=1, queued=0)
    assert (stats["in_service"], stats["served"]) == (1, 0)
    holder.close()
    # the one in service keeps its slot for the rest of its service time, then counts
    stats = wait_stats(mock, cancelled=2, in_service=0)
    assert stats["served"] == 0


def test_delay_knob_counts_a_client_that_leaves_as_cancelled(stack):
    mock = stack.mock("plain")
    with wire.HttpConnection(port=mock.port, timeout=10) as conn:
        conn.send_request("GET", "/slow?delay_ms=60000")
        poll_until(lambda: mock.stats()["requests"] == 1, what="request arrived")
    wait_stats(mock, cancelled=1)
    assert "slots" not in mock.stats()


def test_service_time_changes_at_run_time(stack):
    mock = capacity_mock(stack, slots=3, service_ms=20)
    r = wire.request(mock.port, "POST", "/admin/service?ms=150", body=b"")
    assert r.status == 200 and r.json() == {"slots": 3, "service_ms": 150}
    assert mock.stats()["service_ms"] == 150
    for bad in ("/admin/service", "/admin/service?ms=x", "/admin/service?ms=3600001"):
        r = wire.request(mock.port, "POST", bad, body=b"")
        assert r.status == 400 and r.json()["error"] == "bad_request", bad
    assert wire.request(mock.port, "GET", "/admin/service").status == 405
    plain = stack.mock("plain")
    r = wire.request(plain.port, "POST", "/admin/service?ms=5", body=b"")
    assert r.status == 409 and r.json()["error"] == "not_in_capacity_mode"


def test_service_ms_without_slots_is_refused():
    run = subprocess.run([harness.MOCK_BIN, "--name", "x", "--listen", "127.0.0.1:0",
                          "--service-ms", "5"], capture_output=True, text=True, timeout=10)
    assert run.returncode == 2 and "--service-ms needs --slots" in run.stderr
