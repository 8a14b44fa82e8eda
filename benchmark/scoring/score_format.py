"""The score format: what every JSON khabar prints is stamped with, and how a reader checks it.

Every JSON object khabar prints or writes about scores (`khabar score`, `compare`, `check`,
`leaderboard`, `robustness`, and the files under `results/scores/`) opens with

    {"format": "khabar-score/1", "command": "score", ...}

`format` names the layout and its version: a consumer that finds a version it does not know
stops rather than misreads. `command` says which of the layouts of `score.schema.json` (a JSON
Schema, shipped in the package) the object follows. Within version 1, fields may be added but
never removed or changed in meaning.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KhabarError

FORMAT = "khabar-score/1"
COMMANDS: tuple[str, ...] = ("score", "compare", "check", "leaderboard", "robustness")
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "score.schema.json"


def stamp(command: str, body: dict) -> dict:
    """`body` with the format and the command first (the order JSON readers see)."""
    if command not in COMMANDS:
        raise ValueError(f"unknown command {command!r}; expected one of {', '.join(COMMANDS)}")
    return {"format": FORMAT, "command": command, **body}


def check_format(obj: dict, where: str, command: str) -> None:
    """Refuse an object of another format or version, or of another command than `command`
    (one line, what and where); an object without `format` or `command` is read as version 1
    of `command`, which is what khabar wrote before stamping it."""
    found = obj.get("format", FORMAT)
    if found != FORMAT:
        raise KhabarError(f"format {found!r} is not one this khabar reads ({FORMAT}); "
                          f"upgrade khabar or re-run the scorer", file=where, field="format")
    made_by = obj.get("command", command)
    if made_by != command:
        raise KhabarError(f"this is the JSON of `khabar {made_by}`; expected that of `khabar {command} --json`",
                          file=where, field="command")


def schema() -> dict:
    """The JSON Schema of the format (draft 2020-12)."""
    import json

    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
