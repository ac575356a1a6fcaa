"""The password rule, the same wherever a password is chosen (own change, admin reset, new account,
`flask create-user`): 12 to 128 characters, and not a common, leaked or guessable one.

Guessability comes from zxcvbn, which ships its lists of common and leaked passwords, words and
names with the package (nothing is fetched at run time) and also sees keyboard walks, sequences,
repeats and dates. Anything it rates below "safely unguessable" (3 of 4) is refused.
"""

from __future__ import annotations

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


def password_problem(password: str, *, about: Iterable[str] = ()) -> str | None:
    """Why ``password`` cannot be used, as a message for the form; None if it is fine.

    ``about`` holds what the password must not lean on: the person's email and name, the service.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    words = [w for item in about for w in item.replace("@", " ").replace(".", " ").split() if len(w) > 2]
    with _LOCK:
        result = zxcvbn(password[:_JUDGED], user_inputs=[*words, "key cities", "keycities", "tracker"])
    if result["score"] >= MIN_SCORE:
        return None
    warning = (result.get("feedback") or {}).get("warning") or ""
    advice = "Choose a password that is harder to guess, for example three or four unrelated words"
    return f"{advice}. {warning}".strip() if warning else advice
