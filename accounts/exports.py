"""Signed download links of data exports: the link is the capability, valid for
DATA_EXPORT_LINK_SECONDS, and names one export."""

from django.conf import settings
from django.core import signing

from accounts.models import DataExport

_SALT = "accounts.data-export"


def data_export_link(export: DataExport) -> str:
    signature = signing.dumps(str(export.pk), salt=_SALT)
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/account/export/{signature}/"


def data_export_for_signature(signature: str) -> DataExport | None:
    """The ready export a link names, or None for a forged, expired or unknown one."""
    try:
        export_id = signing.loads(signature, salt=_SALT, max_age=settings.DATA_EXPORT_LINK_SECONDS)
    except signing.BadSignature:
        return None
    return DataExport.objects.filter(pk=export_id, ready_at__isnull=False).first()
