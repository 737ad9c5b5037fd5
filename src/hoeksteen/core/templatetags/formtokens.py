"""`{% form_token %}`: the one-time token of a form that adds something
(hoeksteen.core.formtokens), put inside the <form> beside {% csrf_token %}."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from hoeksteen.core import formtokens

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context: dict[str, Any]) -> SafeString:
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        formtokens.FIELD,
        formtokens.issue(context["request"]),
    )
