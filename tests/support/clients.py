"""Background clients for tests that need requests in flight."""

from __future__ import annotations

import threading


class Holder(threading.Thread):
    """Sends one (slow) request through the router on its own connection and keeps the answer."""

    def __init__(self, router, path, tier, timeout: float = 15.0):
        super().__init__(daemon=True)
        self.router, self.path, self.tier, self.timeout = router, path, tier, timeout
        self.response = None
        self.error = None

    def run(self):
        try:
            self.response = self.router.get(self.path, [("X-User-Tier", self.tier)], timeout=self.timeout)
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e
