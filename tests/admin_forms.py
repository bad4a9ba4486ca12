"""Posting a Django admin change form back as a browser would, to test what saving it does."""

from django.forms import MultiWidget


def change_form_data(page) -> dict:
    """The main form and every inline formset of an admin change page, unchanged."""
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or field.disabled:
            continue
        if isinstance(field.widget, MultiWidget):  # the admin's split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = str(part)
        elif isinstance(value, (list, tuple)) or hasattr(value, "all"):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[name] = getattr(value, "pk", value)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, "")
        for child in formset.forms:
            for name, field in child.fields.items():
                value = child.initial.get(name, field.initial)
                if value is not None:
                    data[f"{child.prefix}-{name}"] = getattr(value, "pk", value)
    return data
