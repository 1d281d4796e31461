"""French text helpers: text as the queue's search compares it (lower case, accents and
punctuation folded away, so that « Lefèvre », « lefevre » and « LEFÈVRE » find the same
doctor), and « de » before a name (« d'Agathe »)."""

import unicodedata


def fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("-", " ").replace("'", " ").split())


def name_key(first_name, last_name):
    """The folded "last first" a doctor is searched and sorted by."""
    return fold(f"{last_name} {first_name}")


def of_name(name):
    """« de Marc Lefèvre », « d'Agathe Vasseur », « d'Émile … »: French elides « de » before a
    vowel. A name starting with H keeps « de » (an aspirated h is as common as a mute one)."""
    name = str(name)
    first = fold(name[:1])
    return f"d'{name}" if first and first in "aeiouy" else f"de {name}"
