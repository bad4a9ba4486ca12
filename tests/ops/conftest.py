import json
import logging

import pytest

from config.logging import formatter


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter("json"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


class CapturedLogs:
    def __init__(self, handler: _Lines):
        self._handler = handler

    def clear(self) -> None:
        self._handler.lines.clear()

    @property
    def text(self) -> str:
        return "\n".join(self._handler.lines)

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self._handler.lines]


@pytest.fixture
def captured_logs():
    """Every log line of the test, rendered exactly as production's LOG_FORMAT=json writes it,
    at DEBUG (the noisiest level anyone could turn on), including the Stripe client's."""
    handler = _Lines()
    root = logging.getLogger()
    stripe_logger = logging.getLogger("stripe")
    levels = (root.level, stripe_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    stripe_logger.setLevel(logging.DEBUG)
    yield CapturedLogs(handler)
    root.removeHandler(handler)
    root.setLevel(levels[0])
    stripe_logger.setLevel(levels[1])
