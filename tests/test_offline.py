"""Nothing reaches a model hub: search works with every network route broken."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.e2e
def test_search_works_with_the_network_unavailable():
    env = dict(os.environ)
    dead = "http://127.0.0.1:9"  # discard port: connections are refused at once
    env.update({"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead, "HF_ENDPOINT": dead, "NO_PROXY": ""})
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env.pop(key, None)  # the tutor must set these itself
    result = subprocess.run([sys.executable, "-m", "tutor", "search", "K-pop soft power", "-k", "1", "--json"],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]
