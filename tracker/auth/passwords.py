"""The password rule, the same wherever a password is chosen (own change, admin reset, new account,
`flask create-user`): 12 to 128 characters, and not a common, leaked or guessable one.

Guessability comes from zxcvbn, which ships its lists of common and leaked passwords, words and
names with the package (nothing is fetched at run time) and also sees keyboard walks, sequences,
repeats and dates. Anything it rates below "safely unguessable" (3 of 4) is refused.

zxcvbn only lowers its score for the person's own words (it still passes "LenaLead2026!" or
"hull.gov.uk2026"), and the person's own words are the first an attacker tries: a password that
contains their email address, or whose letters are nothing but their name and the parts of their
email address (local part, domain labels) with digits and symbols around them, is refused outright.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
# zxcvbn judges at most this many characters (it refuses longer ones); the rest only adds strength.
_JUDGED = 72
# zxcvbn keeps the words passed as user_inputs in module state while it judges: two checks at
# once in a threaded server would mix one person's name into another's check.
_LOCK = threading.Lock()


# Everything between letters: digits, punctuation, spaces, underscores.
_NOT_LETTERS = re.compile(r"[\W\d_]+")
PERSONAL = ("Your password must not be made from your name or your email address, even with numbers "
            "or symbols added. Choose one that is harder to guess, for example three or four unrelated words")


def personal_words(about: Iterable[str]) -> set[str]:
    """The words of the person's name and email address: "Lena Lead" and "lena@hull.gov.uk" give
    lena, lead, hull, gov and uk."""
    return {w for item in about for w in _NOT_LETTERS.split(item.casefold()) if w}


def _made_of(letters: str, words: set[str]) -> bool:
    """Whether ``letters`` is nothing but ``words`` one after another (each as often as it likes)."""
    ends = [True] + [False] * len(letters)  # ends[i]: letters[:i] is made of the words
    for i in range(1, len(letters) + 1):
        ends[i] = any(ends[i - len(w)] and letters.startswith(w, i - len(w)) for w in words if len(w) <= i)
    return ends[-1]


def is_personal(password: str, about: Iterable[str]) -> bool:
    """The password contains the person's email address, or is only their name and email's words
    with digits and symbols around them ("Lena2026!", "lena.lead.1984", "hull.gov.uk2026")."""
    about = [item.strip() for item in about if item and item.strip()]
    folded = password.casefold()
    if any("@" in item and item.casefold() in folded for item in about):
        return True
    letters = _NOT_LETTERS.sub("", folded)
    return bool(letters) and _made_of(letters, personal_words(about))


def password_problem(password: str, *, about: Iterable[str] = ()) -> str | None:
    """Why ``password`` cannot be used, as a message for the form; None if it is fine.

    ``about`` holds what the password must not lean on: the person's email and name.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    about = list(about)
    if is_personal(password, about):
        return PERSONAL
    # zxcvbn matches whole inputs as dictionary words: the items as typed, without their spaces,
    # and each of their words long enough to be more than a fragment.
    inputs = {item.casefold() for item in about} | {item.casefold().replace(" ", "") for item in about}
    inputs |= {w for w in personal_words(about) if len(w) > 2}
    with _LOCK:
        result = zxcvbn(password[:_JUDGED], user_inputs=[*sorted(inputs), "key cities", "keycities", "tracker"])
    if result["score"] >= MIN_SCORE:
        return None
    warning = (result.get("feedback") or {}).get("warning") or ""
    advice = "Choose a password that is harder to guess, for example three or four unrelated words"
    return f"{advice}. {warning}".strip() if warning else advice
