"""``relqual app``: a local web app (Shiny for Python) for thesis authors and instructors.

Data -> model -> estimate and results -> report, and a simulation page for teaching, in English
and Chinese. Needs the ``app`` extra: ``pip install "relqual[app]"``.

Modules: :mod:`~relqual.app.i18n` (every text, English and Chinese), :mod:`~relqual.app.logic`
(what is computed, without Shiny), :mod:`~relqual.app.layout` (the pages) and
:mod:`~relqual.app.server` (the reactive wiring, one per browser session).
"""
from __future__ import annotations

import socket
import sys

INSTALL_HINT = 'the web app needs Shiny for Python: pip install "relqual[app]"'
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORT = 8000


def create_app():
    """The Shiny ``App`` object (for ``shiny run`` or a test server).

    Raises
    ------
    ImportError
        With the install command, when Shiny is not installed.
    """
    try:
        import shiny
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    import matplotlib
    matplotlib.use("Agg")                      # figures are drawn off-screen, in any thread
    from .layout import app_ui
    from .server import server
    return shiny.App(app_ui, server)


def free_port(host: str = "127.0.0.1", preferred: int | None = DEFAULT_PORT) -> int:
    """``preferred`` when it is free on ``host``, else a free port the system picks.

    Examples
    --------
    >>> 0 < free_port() < 65536
    True
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port on {host}")


def run_app(host: str = "127.0.0.1", port: int | None = None, launch_browser: bool = True) -> None:
    """Start the app and serve it until Ctrl+C; prints the address (and a warning when it is
    reachable from the network)."""
    from .i18n import t
    app = create_app()
    import shiny
    if port is None:
        port = free_port(host if host not in ("0.0.0.0", "::") else "127.0.0.1")
    if host not in LOCAL_HOSTS:
        print(t("host_warning", "en", host=host), file=sys.stderr)
        print(t("host_warning", "zh", host=host), file=sys.stderr)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"relqual app: http://{shown}:{port}  (Ctrl+C stops it)", flush=True)
    shiny.run_app(app, host=host, port=port, launch_browser=launch_browser, log_level="warning")
