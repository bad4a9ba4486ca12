import logging

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.errors import InvalidWebhook
from payments.gateway import MAX_WEBHOOK_BYTES
from payments.services import stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's calls: verified and stored here, acted on in a task, so the answer is fast."""
    if int(request.headers.get("Content-Length") or 0) > MAX_WEBHOOK_BYTES:
        return HttpResponse("too large", status=400, content_type="text/plain")
    try:
        event = stripe_event_receive(
            payload=request.body,
            signature=request.headers.get("Stripe-Signature", ""),
            now=timezone.now(),
        )
    except InvalidWebhook as error:
        logger.warning("rejected a Stripe webhook: %s", error.message)
        return HttpResponse(error.message, status=400, content_type="text/plain")
    return JsonResponse({"received": event.stripe_id})
