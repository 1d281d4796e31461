"""RPPS numbers: 11 digits, the last one a Luhn check digit."""

import re

RPPS_PATTERN = re.compile(r"[0-9]{11}")  # ASCII digits only: "１" is a digit for \d


def normalise(value):
    """Digits only: people paste numbers with spaces or dots."""
    return re.sub(r"[\s.\-]", "", value or "")


def is_well_formed(value):
    return bool(RPPS_PATTERN.fullmatch(value or ""))


def luhn_ok(value):
    total = 0
    for position, char in enumerate(reversed(value)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def with_check_digit(first_ten):
    """The 11-digit RPPS made of these 10 digits and their Luhn key (for fictional numbers)."""
    for key in "0123456789":
        if luhn_ok(first_ten + key):
            return first_ten + key
    raise ValueError(first_ten)  # unreachable: one key in ten always fits
