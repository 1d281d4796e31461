"""Text as the queue's search compares it: lower case, accents and punctuation folded away,
so that « Lefèvre », « lefevre » and « LEFÈVRE » find the same doctor."""

import unicodedata


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("-", " ").replace("'", " ").split())


def name_key(first_name, last_name):
    """The folded "last first" a doctor is searched and sorted by."""
    return fold(f"{last_name} {first_name}")
