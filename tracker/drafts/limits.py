"""How long a response's texts may be: shared by the forms (a message on the field, the text kept)
and the services (the same rule for every caller)."""

MAX_TEXT = 200_000  # the whole response: introduction and answers together
MAX_COMMENT = 20_000
