"""The signed download link of a data export (the link is the capability: no sign-in, since it
is opened from the email, possibly on another device)."""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from accounts.exports import data_export_for_signature


@require_GET
def data_export_download(request, signature: str):
    export = data_export_for_signature(signature)
    if export is None:
        raise Http404("This link has expired or is not valid.")
    response = HttpResponse(
        json.dumps(export.content, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-food-delivery-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response
