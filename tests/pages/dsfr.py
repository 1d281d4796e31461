"""Checks of rendered DSFR markup, shared by the page tests."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _FieldsetChildren(HTMLParser):
    """Collects the classes of each direct child of every `fr-fieldset`."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, is a fieldset)
        self.misplaced = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.stack and self.stack[-1][1] and tag not in ("legend",):
            allowed = {"fr-fieldset__element", "fr-messages-group"}
            if not allowed & set(classes) and tag != "input":
                self.misplaced.append(f"<{tag} class='{' '.join(classes)}'>")
        if tag not in VOID:
            self.stack.append((tag, tag == "fieldset" and "fr-fieldset" in classes))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def misplaced_in_fieldsets(html):
    """Children of a DSFR fieldset that are not `fr-fieldset__element`: DSFR lays a fieldset out
    as a wrapping flex row, so such children sit side by side with no gutter."""
    parser = _FieldsetChildren()
    parser.feed(html)
    return parser.misplaced
