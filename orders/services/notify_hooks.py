"""Where dispatch tells people things. Stand-ins until the notifications service lands."""

import logging

logger = logging.getLogger(__name__)


def delivery_offer_notify(*, offer_id) -> None:
    logger.info("delivery offer %s made", offer_id)


def delivery_waiting_notify(*, delivery_id) -> None:
    logger.info("delivery %s still waiting for a driver", delivery_id)
