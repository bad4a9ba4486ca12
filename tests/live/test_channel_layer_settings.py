"""The channel layer as configured waits for messages as long as it takes.

The regression itself, without servers: channels_redis reads with a 5 s blocking BZPOPMIN, and a
Redis socket timeout of 5 s (redis-py's default, which a bare URL in CHANNEL_LAYERS got) made
that read fail at 5.01 s on every idle channel.
"""

import asyncio
import subprocess
import sys

import pytest
from channels.layers import get_channel_layer
from django.conf import settings

from tests.live_servers import ROOT

pytestmark = pytest.mark.integration


def test_an_idle_channel_outlasts_the_layers_blocking_read():
    layer = get_channel_layer()
    waited = settings.CHANNEL_LAYER_BLOCKING_READ_SECONDS + 1.5

    async def receive_nothing():
        channel = await layer.new_channel()
        try:
            await asyncio.wait_for(layer.receive(channel), waited)
        except TimeoutError as error:  # ours: the layer itself kept waiting
            assert "redis" not in type(error).__module__
            return
        raise AssertionError("a message arrived on a channel nobody sent to")

    asyncio.run(receive_nothing())


def test_a_socket_timeout_not_above_the_blocking_read_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": settings.REDIS_URL,
            "CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS": "5",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS" in result.stderr
