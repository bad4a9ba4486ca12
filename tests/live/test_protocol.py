"""The endpoint speaks graphql-transport-ws only: the handler that carries keep-alive, our close
codes and revocation. The legacy `graphql-ws` subprotocol (subscriptions-transport-ws) would
bypass all three, so it is refused."""

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_the_legacy_subprotocol_is_refused(servers):
    with (
        pytest.raises(ConnectionClosed) as closed,
        connect(
            servers[0].ws_url, subprotocols=["graphql-ws"], open_timeout=5, close_timeout=1
        ) as socket,
    ):
        socket.send('{"type": "connection_init", "payload": {}}')
        socket.recv(timeout=5)
    assert closed.value.rcvd.code == 4406
