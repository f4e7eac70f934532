"""Serve the pinned browser libraries (package.json) from node_modules: no CDN.

Each library is mapped to its package's dist folder; only files under it are served.
The versions are pinned in package.json / package-lock.json, so files are cached long.
"""
from __future__ import annotations

import json
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

#: library name in the URL -> dist folder inside node_modules
LIBRARIES = {
    "htmx": "htmx.org/dist",
    "bpmn-js": "bpmn-js/dist",
    "echarts": "echarts/dist",
}
#: the repository's node_modules (``npm ci`` in ``make setup``); override with VENDOR_NODE_MODULES
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
ONE_YEAR = 365 * 24 * 3600

# Content types the platform's mime table may lack or get wrong.
for _type, _ext in (("text/javascript", ".js"), ("text/javascript", ".mjs"), ("text/css", ".css"),
                    ("application/json", ".map"), ("font/woff2", ".woff2"), ("font/woff", ".woff"),
                    ("image/svg+xml", ".svg"), ("application/vnd.ms-fontobject", ".eot"),
                    ("font/ttf", ".ttf")):
    mimetypes.add_type(_type, _ext)


def _node_modules() -> Path:
    return Path(current_app.config.get("VENDOR_NODE_MODULES") or NODE_MODULES)


def library_root(lib: str) -> Path:
    """The dist folder serving ``lib``; 404 for a library we do not ship."""
    dist = LIBRARIES.get(lib)
    if dist is None:
        abort(404)
    return _node_modules() / dist


@lru_cache(maxsize=None)
def _installed_version(package_json: Path) -> str:
    try:
        return json.loads(package_json.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "missing"


_VENDOR_LINKS: dict[tuple, str] = {}


@bp.app_template_global("vendor_url")
def vendor_url(lib: str, filename: str) -> str:
    """URL of a library file, versioned (``?v=``) so a pinned upgrade busts the year-long cache."""
    key = (request.script_root if request else "", current_app.config.get("VENDOR_NODE_MODULES"), lib, filename)
    link = _VENDOR_LINKS.get(key)
    if link is None:  # built once: a path, a package.json and a route build otherwise, per page
        package = LIBRARIES[lib].split("/dist")[0]
        version = _installed_version(_node_modules() / package / "package.json")
        link = _VENDOR_LINKS[key] = url_for("vendor.file", lib=lib, filename=filename, v=version)
    return link


@bp.get("/<lib>/<path:filename>")
def file(lib: str, filename: str):
    """One file of a shipped library, cached for a year (versions are pinned)."""
    root = library_root(lib)
    # send_from_directory refuses paths escaping root (404) and missing files (404).
    response = send_from_directory(root, filename, max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
