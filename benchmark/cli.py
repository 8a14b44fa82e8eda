"""The `khabar` command line: a thin layer over the library's public functions.

Heavy libraries are imported inside the commands that need them, so `khabar --help` and
`khabar score` start fast. Every user error prints one line and exits non-zero.
"""

from __future__ import annotations

import copy
import errno
import gc
import os
import re
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Annotated, Literal, NoReturn, Optional, get_args, get_origin

import typer

from .errors import KhabarError


HELP = ["-h", "--help"]
"""The help options of every command."""


class _Group(typer.core.TyperGroup):
    """The command group: help in plain text, each command listed with its whole summary.

    typer draws help with rich when rich is installed, and importing its help module costs
    more than typer itself (twice `python -c "import typer"`); plain help keeps `khabar --help`
    near that floor, with the same words (click would cut a long summary to the width)."""

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1 << 30)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    context_settings={"max_content_width": 1000,  # as wide as the terminal, as rich's help was
                      "help_option_names": HELP},
    add_completion=False,
    no_args_is_help=True,
    help="khabar: a benchmark for Arabic news information extraction (NER, quotes, numbers).",
    epilog="Exit codes: 0 done; 1 a check found something (validate: problems, check: a regression); "
           "2 bad input or usage, one line 'error: WHERE: what'; 130 interrupted. "
           "KHABAR_DEBUG=1 shows the traceback of an internal error.",
    pretty_exceptions_enable=False,
)


# The choices the parser offers; tests/test_cli.py checks each against the library's own tuple.
Scheme = Literal["fine", "coarse"]  # khabar.schema.SCHEMES
Method = Literal["bootstrap", "ar"]  # khabar.scoring.compare.METHODS
ExportFormat = Literal["hub", "conll", "brat", "labelstudio"]  # khabar.formats.EXPORT_FORMATS
ImportFormat = Literal["brat", "labelstudio", "conll"]  # khabar.formats.IMPORT_FORMATS
LabelStudioUse = Literal["auto", "annotations", "predictions"]  # khabar.formats.labelstudio.USES
Harness = Literal["lm-eval", "inspect"]  # khabar.harness.HARNESSES
MAX_RESAMPLES = 1_000_000  # khabar.params.MAX_RESAMPLES
MAX_SEED = 2**32 - 1  # khabar.params.MAX_SEED

# Options several commands share, declared once.
GoldOption = Annotated[Optional[Path], typer.Option("--gold", help="Gold file (default: the shipped data/gold.json).")]
SchemeOption = Annotated[Scheme, typer.Option("--scheme", help="NER scheme.")]
NBootOption = Annotated[int, typer.Option("--n-boot", min=0, max=MAX_RESAMPLES,
                                          help="Bootstrap resamples for the 95% intervals (0: none).")]
SeedOption = Annotated[int, typer.Option("--seed", min=0, max=MAX_SEED,
                                         help="Seed of the bootstrap (or test, or perturbations).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LenientOption = Annotated[bool, typer.Option("--lenient", help="Skip and count bad records instead of stopping.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the output if it exists.")]


def _version(value: bool) -> None:
    if value:
        from .version import __version__

        typer.echo(f"khabar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """khabar: a benchmark for Arabic news information extraction (NER, quotes, numbers)."""


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when it lies below it (shorter messages)."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _done(output: Path, what: str) -> None:
    """`OUTPUT: what` a command wrote: on stdout, or on stderr when the output itself went to
    stdout (`-o -`)."""
    from .writer import STDOUT

    to_stdout = str(output) == STDOUT
    typer.echo(f"{'<stdout>' if to_stdout else output}: {what}", err=to_stdout)


def _console():
    """A rich console at least 120 columns wide, so tables never wrap their numbers."""
    from .terminal import WIDTH, console

    return console(at_least=WIDTH)


@app.command()
def validate(
    path: Optional[Path] = typer.Argument(None, help="Gold file (default: the shipped data/gold.json)."),
) -> None:
    """Check every invariant of a gold file; print counts per task and type."""
    from .gold import default_gold_path, load_gold
    from .stats import gold_counts
    from .validate import validate_file

    p = path or _shown(default_gold_path())
    problems = validate_file(p)
    if problems:
        for v in problems:
            typer.echo(f"error: {v}", err=True)
        typer.echo(f"{p}: {len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    gold = load_gold(p)
    counts = gold_counts(gold)
    for task, c in counts.items():
        parts = ", ".join(f"{k} {v}" for k, v in c.items() if k != "total")
        typer.echo(f"{task:10} {c['total']:4}" + (f"  ({parts})" if parts else ""))
    typer.echo(f"{p}: valid (gold {gold.version}, sha256 {gold.short_hash})")


@app.command()
def score(
    pred: Optional[str] = typer.Argument(None, help="Predictions JSON Lines (`-` for stdin)."),
    gold: GoldOption = None,
    scheme: SchemeOption = "fine",
    tasks: Optional[str] = typer.Option(None, "--tasks", help="Comma-separated tasks (default: those predicted)."),
    json_out: JsonOption = False,
    details: Optional[Path] = typer.Option(None, "--details", help="Write every item's outcome here (JSON Lines)."),
    lenient: LenientOption = False,
    conll: Optional[str] = typer.Option(None, "--conll", help="Score conlleval input (FILE or - for stdin)."),
    n_boot: NBootOption = 1000,
    seed: SeedOption = 0,
    full: bool = typer.Option(False, "--all", help="Show every line (every NER type in every mode)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --details file."),
) -> None:
    """Score predictions against the gold: P/R/F1 with 95% intervals per task and mode."""
    from .commands import score_command

    score_command(pred=pred, gold_path=gold, scheme=scheme, tasks=tasks, as_json=json_out, details=details,
                  lenient=lenient, conll=conll, n_boot=n_boot, seed=seed, force=force, full=full)


@app.command()
def compare(
    a: str = typer.Argument(..., help="Predictions of system A (JSON Lines)."),
    b: str = typer.Argument(..., help="Predictions of system B (JSON Lines)."),
    gold: GoldOption = None,
    scheme: SchemeOption = "fine",
    tasks: Optional[str] = typer.Option(None, "--tasks", help="Comma-separated tasks (default: those both predict)."),
    method: Method = typer.Option("bootstrap", "--method", help="bootstrap (paired) or ar (approximate randomisation)."),
    n: int = typer.Option(1000, "--n", min=1, max=MAX_RESAMPLES, help="Resamples or permutations."),
    seed: SeedOption = 0,
    json_out: JsonOption = False,
    lenient: LenientOption = False,
    full: bool = typer.Option(False, "--all", help="Every micro line, not only each task's headline."),
) -> None:
    """Paired significance test of B against A: F1 difference and p-value per task."""
    from .commands import compare_command

    compare_command(a=a, b=b, gold_path=gold, scheme=scheme, tasks=tasks, method=method, n=n, seed=seed,
                    as_json=json_out, lenient=lenient, full=full)


@app.command()
def check(
    pred: str = typer.Argument(..., help="Predictions JSON Lines."),
    baseline: str = typer.Option(..., "--baseline", help="SCORES.json from `khabar score --json` (or {task: F1})."),
    tolerance: float = typer.Option(0.01, "--tolerance", min=0, max=1, help="Largest allowed F1 drop (absolute)."),
    gold: GoldOption = None,
    json_out: JsonOption = False,
    lenient: LenientOption = False,
) -> None:
    """Regression gate: exit 1, with a table of what dropped, when any F1 falls below the baseline."""
    from .commands import check_command

    raise typer.Exit(check_command(pred=pred, baseline=baseline, tolerance=tolerance, gold_path=gold,
                                   as_json=json_out, lenient=lenient))


def _options(pairs: list[str]) -> dict:
    out = {}
    for p in pairs:
        key, eq, value = p.partition("=")
        if not eq or not key:
            raise KhabarError(f"--opt {p!r}: expected KEY=VALUE")
        out[key.replace("-", "_")] = value
    return out


@app.command("run")
def run_system(
    system: str = typer.Argument(..., help="System name (see `khabar systems`)."),
    output: Path = typer.Option(..., "-o", "--output", help="Predictions file to write (JSON Lines; - for stdout)."),
    gold: GoldOption = None,
    train: Optional[str] = typer.Option(None, "--train", help="Training corpus (CoNLL) for learned systems."),
    model: Optional[str] = typer.Option(None, "--model", help="Model name or path (transformers, llm)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint (llm)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (llm; default: KHABAR_LLM_API_KEY, "
                                          "then OPENAI_API_KEY)."),
    lenient: bool = typer.Option(False, "--lenient", help="llm: count unusable answers as predicting nothing "
                                 "(and cache them) instead of stopping."),
    label_map: Optional[str] = typer.Option(None, "--label-map", help="Label map onto khabar's scheme."),
    opt: list[str] = typer.Option([], "--opt", help="Any other system option, KEY=VALUE (repeatable)."),
    force: ForceOption = False,
) -> None:
    """Run one system on the gold documents and write its predictions."""
    from .runner import run_system

    named = {"train": train, "model": model, "base_url": base_url, "api_key": api_key, "label_map": label_map,
             "lenient": lenient or None}
    options = {k: v for k, v in named.items() if v is not None} | _options(opt)
    n = run_system(name=system, output=output, gold_path=gold, overwrite=force, **options)
    _done(output, f"{n} document(s) predicted by {system}")


@app.command()
def systems() -> None:
    """List the systems, and why any of them cannot run here."""
    from khabar.baselines import registry

    for name, entry in sorted(registry().items()):
        why = entry.missing()
        typer.echo(f"{name:16} {'ready' if not why else 'skipped: ' + why}  {entry.description}")


@app.command("harness-path")
def harness_path(
    harness: Harness = typer.Argument(..., help="lm-eval (the folder for --include_path) or inspect (the tasks file)."),
) -> None:
    """Print where an LLM evaluation harness finds khabar's tasks (see docs/LLM.md)."""
    from .harness import harness_path as path_of

    typer.echo(str(path_of(harness)))


@app.command()
def leaderboard(
    system: list[str] = typer.Option([], "--system", "-s", help="Only these systems (repeatable)."),
    n_boot: NBootOption = 1000,
    seed: SeedOption = 0,
    out: Path = typer.Option(None, "--out", help="Results folder (default: ./khabar-results, git-ignored; "
                             "--out results refreshes a checkout's committed results)."),
    json_out: JsonOption = False,
) -> None:
    """Run every available system on every task and print the table (the main job)."""
    from .leaderboard import DEFAULT_OUT, leaderboard as run_board
    from .tables import leaderboard_table

    board = run_board(systems=system or None, n_boot=n_boot, seed=seed, out_dir=out or DEFAULT_OUT,
                      progress=True)
    if json_out:
        import json

        typer.echo(json.dumps(board.to_dict(), ensure_ascii=False, indent=2))
        return
    console = _console()
    for name, why in board.skipped.items():
        console.print(f"skipped {name}: {why}")
    console.print(leaderboard_table(board))
    from .leaderboard import outside_line

    for r in board.rows:
        if r.outside:
            console.print(f"{r.system} on its training corpus's own test split: {outside_line(r.outside)}")
    console.print(f"signature: {board.signature}", soft_wrap=True)
    console.print(f"written: {_shown(out or DEFAULT_OUT)}/leaderboard.{{json,csv,md}}, f1.png, corrupted.png, "
                  "confusion.png, predictions/, scores/")


@app.command()
def cache(clear: bool = typer.Option(False, "--clear", help="Delete every cached model and chart.")) -> None:
    """Where khabar keeps the models and charts it trained and drew, and how much (--clear empties it)."""
    from .cache import cache_info, clear_cache

    typer.echo(f"removed {clear_cache()}" if clear else str(cache_info()))


@app.command()
def robustness(
    system: str = typer.Argument(..., help="System name (see `khabar systems`)."),
    perturbation: list[str] = typer.Option([], "--perturbation", "-p", help="Only these perturbations (repeatable)."),
    seed: SeedOption = 0,
    gold: GoldOption = None,
    n_boot: NBootOption = 1000,
    json_out: JsonOption = False,
) -> None:
    """Run a system on the gold and on each perturbed variant; F1, drop and flipped items per task."""
    from .gold import load_gold
    from .robustness import robustness as run_robustness

    report = run_robustness(system=system, gold=load_gold(gold), perturbations=perturbation or None, seed=seed,
                            n_boot=n_boot, progress=True)
    if json_out:
        import json

        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(report.to_table())
    for name, why in report.skipped.items():
        console.print(f"skipped {name}: {why}")
    for task in report.tasks:
        w = report.worst(task)
        console.print(f"most harmful for {task}: " + (f"{w.perturbation} (F1 -{w.drop:.3f})" if w else "none"))
    console.print(f"signature: {report.signature}", soft_wrap=True)


@app.command()
def report(
    predictions: list[Path] = typer.Argument(..., help="Predictions files (JSON Lines), one per system."),
    output: Path = typer.Option(..., "-o", "--output", help="HTML file to write (- for stdout)."),
    names: Optional[str] = typer.Option(None, "--names", help="Comma-separated system names (default: file stems)."),
    gold: GoldOption = None,
    board: Optional[Path] = typer.Option(None, "--leaderboard", help="Leaderboard JSON to show (default: results/leaderboard.json if present)."),
    scheme: SchemeOption = "fine",
    n_boot: NBootOption = 1000,
    seed: SeedOption = 0,
    lenient: LenientOption = False,
    force: ForceOption = False,
) -> None:
    """Write the error-analysis report: one self-contained right-to-left HTML page."""
    from .gold import load_gold
    from .report import write_report

    notes: list[str] = []
    out = write_report(paths=predictions, out=output, overwrite=force, names=names.split(",") if names else None,
                       gold=load_gold(gold), lenient=lenient, leaderboard=board, scheme=scheme, n_boot=n_boot,
                       seed=seed, notes=notes)
    for n in notes:
        typer.echo(n, err=True)
    _done(out, f"report of {len(predictions)} system(s)")


@app.command("export")
def export_(
    out: Optional[Path] = typer.Argument(None, help="Folder to write."),
    fmt: ExportFormat = typer.Option("hub", "--format", "-f", help="What to write."),
    gold: GoldOption = None,
    variants: Optional[Path] = typer.Option(None, "--variants", help="Also write robustness variants here."),
    as_predictions: bool = typer.Option(False, "--as-predictions", help="labelstudio: gold as predictions to review."),
    force: bool = typer.Option(False, "--force", help="Replace files this command wrote before."),
) -> None:
    """Export the gold: a Hugging Face hub folder, CoNLL, brat or Label Studio (and perturbed variants)."""
    from .formats import export
    from .gold import load_gold

    if out is None and variants is None:
        raise KhabarError("give an output folder (and/or --variants FOLDER)")
    g = load_gold(gold)
    if out is not None:
        shipped = gold is None and fmt == "hub"  # the hub folder holds both shipped splits
        written = export(fmt=fmt, out=out, gold=None if shipped else g, overwrite=force,
                         as_predictions=as_predictions)
        what = "the validation and test splits" if shipped else f"gold {g.version} (sha256 {g.short_hash})"
        typer.echo(f"{out}: {fmt} export of {what}, {len(written)} file(s)")
    if variants is not None:
        from .robustness import export_variants

        written = export_variants(gold=g, out_dir=variants, overwrite=force)
        typer.echo(f"{variants}: {len(written)} variant file(s)")


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="brat folder or .ann file, Label Studio JSON, or CoNLL file."),
    fmt: ImportFormat = typer.Option(..., "--format", "-f", help="What the annotations are."),
    output: Path = typer.Option(..., "-o", "--output", help="Gold JSON file to write (- for stdout)."),
    use: LabelStudioUse = typer.Option("auto", "--use", help="labelstudio: which results to read."),
    column: Optional[int] = typer.Option(None, "--column", min=1, help="conll: the gold tag column (1-based), "
                                         "needed when a file has more than two columns."),
    force: ForceOption = False,
) -> None:
    """Import annotations from an annotation tool as a gold file, validated like the gold."""
    from .formats import import_gold
    from .gold import write_gold

    g = import_gold(fmt=fmt, path=path, use=use, column=column)
    write_gold(gold=g, path=output, overwrite=force)
    count = {k: sum(len(getattr(d, k)) for d in g.documents) for k in ("mentions", "quotes", "numbers")}
    _done(output, f"valid gold {g.version} (sha256 {g.short_hash}): {len(g.documents)} document(s), "
               + ", ".join(f"{v} {k}" for k, v in count.items()))


@app.command()
def push(
    repo_id: str = typer.Argument(..., help="Hub dataset repo, OWNER/NAME."),
    folder: Optional[Path] = typer.Option(None, "--folder", help="Hub folder (default: export the gold now)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List the files and sizes that would be uploaded."),
    private: bool = typer.Option(False, "--private", help="Create the repo as private."),
    token: Optional[str] = typer.Option(None, "--token", help="Hub token (default: HF_TOKEN or the saved login)."),
) -> None:
    """Upload the hub folder to a Hugging Face dataset repo (huggingface_hub)."""
    import tempfile

    from .hub import check_repo_id, export_hub, push as push_folder

    check_repo_id(repo_id=repo_id)
    with tempfile.TemporaryDirectory(prefix="khabar-hub-") as tmp:
        src = folder if folder is not None else Path(tmp) / "hub"
        if folder is None:
            export_hub(out_dir=src)
        files = push_folder(folder=src, repo_id=repo_id, dry_run=dry_run, token=token, private=private)
        for name, size in files:
            typer.echo(f"{size:>10}  {name}")
        verb = "would upload" if dry_run else "uploaded"
        typer.echo(f"{verb} {len(files)} file(s), {sum(s for _, s in files)} bytes to datasets/{repo_id}")


_INT = re.compile(r"-?[0-9]{1,18}")
"""An int option's value that needs no judgement: decimal digits, an optional minus sign."""


class _DirectParam:
    """Coercion of one plain parameter (str, a choice of strings, int with or without bounds,
    bool or Path, one value) without pydantic.

    typer (0.2x) coerces every parameter through a pydantic TypeAdapter built on first use,
    which imports pydantic: a tenth of a second of every cold start, for options that are
    plain strings, integers, flags and paths. This takes the values that need no judgement (a
    string, a default, an integer in decimal digits, a path, checked by typer's own path
    code) and hands every other value to typer's own coercion, so values and error messages
    stay typer's (tests/test_cold_start.py compares both on many values)."""

    def __init__(self, descriptor, build, coerce_path) -> None:
        self.descriptor, self.build, self.coerce_path = descriptor, build, coerce_path
        self.kind = descriptor.annotation
        self.choices = get_args(self.kind) if get_origin(self.kind) is Literal else ()
        info = descriptor.parameter_info
        self.low, self.high = getattr(info, "min", None), getattr(info, "max", None)
        self.full = None

    def coerce(self, value, param, ctx):
        kind = self.kind
        if value is None:
            return None
        if kind is str and isinstance(value, str) or kind is bool and isinstance(value, bool):
            return value
        if self.choices and isinstance(value, str):
            if value in self.choices:
                return value
            from .errors import did_you_mean

            raise _click_exceptions().BadParameter(
                f"{value!r} is not one of {', '.join(map(repr, self.choices))}{did_you_mean(value, self.choices)}",
                ctx=ctx, param=param)
        if kind is int and (type(value) is int or isinstance(value, str) and _INT.fullmatch(value)):
            v = int(value)
            if (self.low is None or v >= self.low) and (self.high is None or v <= self.high):
                return v
            bounds = (f"from {self.low} to {self.high}" if self.low is not None and self.high is not None
                      else f"of at least {self.low}" if self.low is not None else f"of at most {self.high}")
            raise _click_exceptions().BadParameter(f"expected an integer {bounds}, got {v}", ctx=ctx, param=param)
        if kind is Path and isinstance(value, str) and value and "\0" not in value:
            return Path(self.coerce_path(value, self.descriptor.parameter_info, path_type=None, param=param, ctx=ctx))
        if self.full is None:
            self.full = self.build(self.descriptor)
        return self.full.coerce(value, param=param, ctx=ctx)


def _is_choice(annotation) -> bool:
    """A `Literal` of strings (a choice the parser checks)."""
    return get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation))


def _direct_params(cmd) -> None:
    """Give the plain parameters of one command (not its subcommands) `_DirectParam`
    coercion, where this typer coerces through pydantic (elsewhere: nothing to do)."""
    try:
        from typer._coercion import build_runtime_param
        from typer._param_types import coerce_cli_path
    except ImportError:
        return
    try:  # the --help option, made (once) on first use
        helper = [cmd.get_help_option(typer.Context(cmd, help_option_names=HELP))]
    except Exception:  # noqa: BLE001 - another typer: its help option coerces as it does
        helper = []
    for p in [*cmd.params, *(h for h in helper if h is not None)]:
        d = getattr(p, "type_descriptor", None)
        info = getattr(d, "parameter_info", None)
        plain = d is not None and (d.annotation in (str, int, bool, Path) or _is_choice(d.annotation))
        if (not plain or getattr(p, "_runtime_param", False) is not None or p.multiple or p.nargs != 1
                or d.file_annotation is not None
                or any(getattr(info, a, None) is not None for a in ("parser", "path_type"))
                or getattr(info, "clamp", False)
                or (getattr(info, "min", None) is not None or getattr(info, "max", None) is not None)
                and d.annotation is not int):
            continue
        p._runtime_param = _DirectParam(d, build_runtime_param, coerce_cli_path)


class _Commands(MutableMapping):
    """The app's commands by name, each made by typer (with `_DirectParam` coercion) the first
    time it is looked up: `khabar score` makes one command, not all fourteen (making them all
    is more than the parsing). Listing the names makes none; help, which shows them all, makes all."""

    def __init__(self, infos) -> None:
        self.infos = {info.name or typer.main.get_command_name(info.callback.__name__): info for info in infos}
        self.made: dict = {}

    def __getitem__(self, name: str):
        if name not in self.made:
            self.made[name] = typer.main.get_command_from_info(
                self.infos[name], pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode)
            _direct_params(self.made[name])
        return self.made[name]

    def __setitem__(self, name: str, cmd) -> None:
        self.made[name] = cmd
        self.infos.setdefault(name, None)

    def __delitem__(self, name: str) -> None:
        del self.infos[name]
        self.made.pop(name, None)

    def __iter__(self):
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


_COMMAND = None


def command():
    """The click command of the app (built once): typer's group of the app's callback alone,
    its commands made as they are looked up (`_Commands`), with `_DirectParam` coercion."""
    global _COMMAND
    if _COMMAND is None:
        bare = copy.copy(app)
        bare.registered_commands = []
        _COMMAND = typer.main.get_command(bare)
        _COMMAND.commands = _Commands(app.registered_commands)
        _direct_params(_COMMAND)
    return _COMMAND


def run(argv: list[str] | None = None) -> int:
    """Run the app on `argv` and return its exit code (see `errors`): every failure one line
    on stderr, a traceback only when KHABAR_DEBUG=1."""
    from .errors import BAD_INPUT, INTERRUPTED, one_line

    cx = _click_exceptions()
    try:
        code = command().main(args=argv, prog_name="khabar", standalone_mode=False)
        code = code if isinstance(code, int) else 0
        if code == INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
            _say("error: interrupted")
        return code
    except KhabarError as e:
        _say(f"error: {e}")
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("error: interrupted")
        return INTERRUPTED
    except cx.NoArgsIsHelpError as e:
        e.show()  # a bare `khabar` prints the help
        return BAD_INPUT
    except cx.ClickException as e:
        _say(f"error: {e.format_message()} (see `khabar {_command(argv)}--help`)")
        return BAD_INPUT
    except BrokenPipeError:
        return 0
    except SystemExit as e:  # typer's own answer to a broken pipe: exit 1, the code of a failed check here
        if isinstance(e.__context__, OSError) and e.__context__.errno == errno.EPIPE:
            return 0  # the reader of stdout left (`| head`): as above, nothing to report
        raise
    except Exception as e:  # noqa: BLE001 - the one place that turns a bug into one line
        if isinstance(e, OSError) and e.errno in _NO_ROOM:  # the machine's, not a bug: a full disk, say
            _say(f"error: {e.filename or 'output'}: {e.strerror}")
            return BAD_INPUT
        if os.environ.get("KHABAR_DEBUG") == "1":
            raise
        _say(f"error: internal error ({type(e).__name__}: {one_line(str(e))[:200]}); please report it "
             "with the command you ran (KHABAR_DEBUG=1 shows the traceback)")
        return BAD_INPUT


_NO_ROOM = {getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EFBIG", "EROFS", "EIO") if hasattr(errno, n)}
"""OSError numbers of the machine refusing a read or write (`run`): a full disk, a read-only or
failing device."""


def _click_exceptions():
    """The exception module of the click typer runs on (typer >= 0.20 vendors its own)."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def _command(argv: list[str] | None) -> str:
    """The subcommand named in `argv` followed by a space, when it is one (for the help hint)."""
    args = sys.argv[1:] if argv is None else argv
    name = next((a for a in args if not a.startswith("-")), "")
    return f"{name} " if name in command().commands else ""


def _say(line: str) -> None:
    from .errors import one_line

    sys.stderr.write(one_line(line) + "\n")
    sys.stderr.flush()


def main() -> None:
    """Entry point of `khabar`: exit with `run()`'s code.

    Four settings for a short-lived process, each measured on a cold `khabar score`:
    - numpy's OpenBLAS runs on one thread unless the user chose otherwise (numpy is not imported
      yet): its pool of threads, started at import, spun against the main thread on a 2-core
      machine (the gold, 1000 resamples: 192 -> 174 ms, medians of 25), and khabar's products
      run on one BLAS thread anyway (`bootstrap.one_blas_thread`);
    - glibc keeps freed heap for reuse (`_keep_freed_heap`): 285 -> 272 ms on 2M conlleval tokens,
      249 -> 224 ms on the gold (medians of 25);
    - what is imported by now lives as long as the process, so it is frozen out of the garbage
      collector (`gc.freeze`): no collection walks it again, and forked workers (the
      leaderboard's fits) share its pages untouched;
    - the process ends without the interpreter's teardown, once its exit handlers have run
      (`_leave`): 280 -> 258 ms on 2M conlleval tokens, 226 -> 209 ms on the gold (medians of 25)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _keep_freed_heap()
    gc.freeze()
    _leave(run())


TOP_PAD = 64 << 20
"""Bytes of freed heap glibc keeps mapped for reuse in a `khabar` process (`_keep_freed_heap`)."""


def _keep_freed_heap() -> None:
    """glibc's malloc keeps `TOP_PAD` bytes of freed heap mapped (M_TOP_PAD) instead of handing
    any free top of the heap back to the OS at once: the numpy temporaries of each block and
    each document reuse pages already mapped instead of faulting in fresh ones. The pages stay
    the process's until it ends: the peak of one 20M-token `--conll` score with intervals went
    from 62 to 72 MB, flat in the file's size still. A user's own MALLOC_ or glibc.malloc
    setting stands; other C libraries are left alone."""
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if any(k.startswith("MALLOC_") for k in os.environ) or "glibc.malloc" in tunables:
        return
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        import ctypes

        ctypes.CDLL(None).mallopt(-2, TOP_PAD)  # M_TOP_PAD in glibc's malloc.h
    except (AttributeError, OSError, ValueError):  # no confstr name, no libc handle, no mallopt
        return


def _leave(code: int) -> NoReturn:
    """Exit with `code` as the interpreter would, less its teardown: the exit handlers run
    (`atexit`, `weakref.finalize`: temporary folders, worker pools, forked children) and the
    standard streams are flushed, then the process ends without freeing module by module what
    the OS takes back at once (numpy's, typer's and khabar's objects). Another thread still
    running, a tracer or profiler (coverage, cProfile: they report at teardown) or a stream
    that cannot be flushed take the interpreter's own exit."""
    import atexit
    import threading

    if threading.active_count() > 1 or sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:  # noqa: BLE001 - the interpreter's exit reports it as it always does
        sys.exit(code)
    os._exit(code)
