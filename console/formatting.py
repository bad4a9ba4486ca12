"""How the consoles show an order's snapshots to people (addresses, chosen options)."""

from core.admin import money

ADDRESS_PARTS = ("label", "line1", "line2", "postalCode", "postal_code", "city", "country")


def address_text(snapshot: dict | None) -> str:
    """{"line1": "Rua Augusta 1", "city": "Lisbon", ...} -> "Rua Augusta 1, 1100-048 Lisbon"."""
    if not snapshot:
        return "-"
    parts = [str(snapshot[key]).strip() for key in ADDRESS_PARTS if snapshot.get(key)]
    return ", ".join(part for part in parts if part) or "-"


def options_text(options: list | None, currency: str) -> str:
    """[{"group": "Size", "name": "Large", "priceDelta": 150}] -> "Size: Large (+1.50 EUR)"."""
    shown = []
    for option in options or []:
        text = f"{option.get('group') or 'Option'}: {option.get('name') or '?'}"
        delta = option.get("priceDelta") or option.get("price_delta") or 0
        if delta:
            text += f" (+{money(delta, currency)})"
        shown.append(text)
    return "; ".join(shown) or "-"
