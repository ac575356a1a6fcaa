"""`make run`: the web app on this machine (development server, SQLite by default).

The reminders feature adds its Celery worker and beat here, so that one command
starts everything and Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse

from wsgi import app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    app.run(host=args.host, port=args.port, debug=False, use_reloader=False)


if __name__ == "__main__":
    main()
