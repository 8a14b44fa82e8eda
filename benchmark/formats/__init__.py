"""Exchange formats for annotation tools: CoNLL (IOB2), brat standoff and Label Studio JSON.

Each module has `export_*(gold, out)` and `import_*(path) -> Gold`. An import is validated like
the gold itself: the format's own checks (offsets against the text, known labels) raise a
`KhabarError` naming the file, line and field, then `khabar.validate.validate_raw` runs on the
rebuilt gold object and its first violation is reported at the line of the record it names.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import KhabarError
from ..model import Gold

EXPORT_FORMATS: tuple[str, ...] = ("hub", "conll", "brat", "labelstudio")
IMPORT_FORMATS: tuple[str, ...] = ("brat", "labelstudio", "conll")


def export(fmt: str, out: str | Path, gold: Gold | None = None, overwrite: bool = False,
           as_predictions: bool = False) -> list[Path]:
    """Write `gold` into the folder `out` in format `fmt`; by default the shipped gold (for `hub`,
    both shipped splits: validation and test)."""
    from ..gold import load_gold

    if fmt not in EXPORT_FORMATS:
        raise KhabarError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}", field="format")
    if fmt == "hub":
        from ..hub import export_hub

        return export_hub(out, gold, overwrite=overwrite)
    g = gold if gold is not None else load_gold()
    if fmt == "conll":
        from .conll import export_conll

        return export_conll(g, out, overwrite=overwrite)
    if fmt == "brat":
        from .brat import export_brat

        return export_brat(g, out, overwrite=overwrite)
    from .labelstudio import export_labelstudio

    return export_labelstudio(g, out, overwrite=overwrite, as_predictions=as_predictions)


def import_gold(fmt: str, path: str | Path, use: str = "auto", column: int | None = None) -> Gold:
    """Read an annotation-tool file or folder in format `fmt` into a validated `Gold`
    (`column`: CoNLL's gold tag column, needed when a file has more than two)."""
    if fmt not in IMPORT_FORMATS:
        raise KhabarError(f"unknown format {fmt!r}; expected one of {', '.join(IMPORT_FORMATS)}", field="format")
    if fmt == "brat":
        from .brat import import_brat

        return import_brat(path)
    if fmt == "conll":
        from .conll import import_conll

        return import_conll(path, column=column)
    from .labelstudio import import_labelstudio

    return import_labelstudio(path, use=use)
