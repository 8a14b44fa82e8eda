"""A wheel carries everything the library reads at run time: the gold (as `khabar_data`), the
predictions schema and the report's assets, so `pip install khabar` works outside a checkout."""

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_ships_the_data(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("khabar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("khabar_data/gold.json", "khabar_data/agreement.json", "khabar_data/annotation/pass_a.json",
                   "benchmark/predictions.schema.json", "benchmark/report_assets/report.css",
                   "benchmark/report_assets/report.js", "baselines/llm/prompts.py", "benchmark/scoring/ner.py"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "results/")) for n in names)
