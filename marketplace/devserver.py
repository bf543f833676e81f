"""The development server of ``make run``: Werkzeug's, without naming its version.

``python -m marketplace.devserver --port 5000`` is ``flask run`` with one difference: the
``Server`` header says ``Markedsplassen`` instead of ``Werkzeug/<version> Python/<version>``
(a version tells an attacker which advisories to try). Production runs gunicorn behind
nginx (deploy/), which sends no version either.
"""
from __future__ import annotations

import argparse

from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "Markedsplassen"


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return SERVER_NAME


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m marketplace.devserver", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    from marketplace import create_app

    create_app().run(host=args.host, port=args.port, threaded=True, request_handler=QuietRequestHandler)


if __name__ == "__main__":
    main()
