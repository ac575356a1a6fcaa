"""Messaging: how the tracker tells people things, in the app and by email.

Features call ``notify()`` (notify.py) for workflow events, or hand planned messages over in bulk
(bulk.py: the reminder sweep). Messaging keeps each person's preferences (preferences.py), queues
sends after the caller's commit (outbox.py), sends them with claims, retries and recovery
(delivery.py, recovery.py, tasks.py; a live send's claim renewed by heartbeat.py, the mail server's
"accepted" kept in Redis by receipts.py), lets a coordinator resend (resend.py) and gathers the
daily digest (digest.py). It imports no feature: a feature that needs a say just before its kind of
message goes registers it (kinds.py).
"""
