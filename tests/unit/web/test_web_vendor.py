"""The vendor blueprint serves the pinned libraries' dist files and nothing else."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from web import vendor

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(vendor.bp)
    return app.test_client()


@pytest.mark.parametrize("lib, filename, content_type", [
    ("htmx", "htmx.min.js", "text/javascript"),
    ("bpmn-js", "bpmn-navigated-viewer.production.min.js", "text/javascript"),
    ("bpmn-js", "assets/bpmn-js.css", "text/css"),
    ("bpmn-js", "assets/bpmn-font/css/bpmn.css", "text/css"),
    ("echarts", "echarts.min.js", "text/javascript"),
])
def test_serves_dist_files_with_type_and_long_cache(client, lib, filename, content_type):
    response = client.get(f"/vendor/{lib}/{filename}")
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.cache_control.max_age >= 30 * 24 * 3600
    assert response.cache_control.public
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(response.data) > 1000


@pytest.mark.parametrize("url", [
    "/vendor/lodash/lodash.js",                       # a library we do not ship
    "/vendor/htmx/../package.json",                   # outside dist
    "/vendor/htmx/..%2Fpackage.json",
    "/vendor/bpmn-js/../../echarts/package.json",
    "/vendor/echarts/%2Fetc%2Fpasswd",
    "/vendor/echarts/no-such-file.js",
])
def test_refuses_anything_outside_a_dist_folder(client, url):
    assert client.get(url, follow_redirects=True).status_code == 404


def test_vendor_url_carries_the_pinned_version(client):
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/bpmn-js"]["version"]
    with client.application.test_request_context():
        url = render_template_string("{{ vendor_url('bpmn-js', 'assets/bpmn-js.css') }}")
    assert url == f"/vendor/bpmn-js/assets/bpmn-js.css?v={pinned}"
    assert client.get(url).status_code == 200


def test_package_json_pins_exact_versions():
    manifest = json.loads((ROOT / "package.json").read_text())
    for deps in (manifest["dependencies"], manifest.get("devDependencies", {})):
        for name, spec in deps.items():
            assert spec[0].isdigit(), f"{name} is not pinned exactly: {spec}"
