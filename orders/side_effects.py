"""The one fan-out point after an order's transition commits.

`order_transition` schedules `order_event_committed` with `transaction.on_commit`, so nothing
here runs for a transaction that rolled back. Each consumer of order events is called
explicitly below (no signals): who reacts to a status change is readable in one place.
"""

import logging

logger = logging.getLogger(__name__)


def order_event_committed(*, event_id) -> None:
    logger.info("order event %s committed", event_id)
