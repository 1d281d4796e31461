from django import template

from .. import glossary as terms

register = template.Library()


@register.filter
def glossary(text):
    """`{{ label|glossary }}`: the domain's acronyms explained (see applications.glossary)."""
    return terms.explain(text)
