"""The Hugging Face Space of khabar's metric: evaluate's standard widget over khabar.py.

Push this folder (app.py, khabar.py, README.md, requirements.txt) to a Space of type gradio; the
README's front matter says so. Locally: `python app.py` (needs gradio<4, as evaluate's widget does).
"""

from pathlib import Path

import evaluate
from evaluate.utils import launch_gradio_widget

# the module beside this file (a folder path would name app/app.py inside a Space)
module = evaluate.load(str(Path(__file__).resolve().with_name("khabar.py")))
launch_gradio_widget(module)
