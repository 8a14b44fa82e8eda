"""A wheel carries everything the library reads at run time: the gold (as `khabar/data`), the
predictions and score schemas and the report's assets, so `pip install khabar` works outside a checkout."""

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_ships_the_data(tmp_path):
    """Built as a user's pip builds it: in an isolated build environment with the setuptools that
    pyproject asks for (>= 77, for the SPDX licence), whatever setuptools this venv has."""
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("khabar-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("khabar/data/gold.json", "khabar/data/agreement.json", "khabar/data/annotation/pass_a.json",
                   "khabar/predictions.schema.json", "khabar/score.schema.json", "khabar/report_assets/report.css",
                   "khabar/report_assets/report.js", "khabar/baselines/llm/prompts.py", "khabar/scoring/ner.py",
                   # the evaluate metric, a push-ready Space (khabar.metric_path())
                   "khabar/metrics/khabar/khabar.py", "khabar/metrics/khabar/README.md",
                   "khabar/metrics/khabar/app.py", "khabar/metrics/khabar/requirements.txt",
                   # the LLM harnesses: lm-eval's task folder (khabar harness-path lm-eval) and inspect's tasks
                   "khabar/harness/lm_eval_tasks/khabar.yaml", "khabar/harness/lm_eval_tasks/_khabar_template_yaml",
                   "khabar/harness/lm_eval_tasks/utils.py", "khabar/harness/inspect_tasks.py"):
        assert needed in names, needed
    assert not any(n.startswith("khabar/metrics/") and n.endswith("__init__.py") for n in names)
    assert not any(n.startswith(("tests/", "results/")) for n in names)
    # `inspect eval khabar/ner` finds the tasks through this entry point
    (eps,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "[inspect_ai]\nkhabar = khabar.harness.inspect_tasks" in zipfile.ZipFile(wheel).read(eps).decode()
    # one import package: nothing else at the top level (no benchmark/, baselines/, khabar_data/)
    assert {n.split("/")[0] for n in names} == {"khabar", wheel.name.split("-py3")[0] + ".dist-info"}
