"""`python -m benchmark` is `khabar`."""

from .cli import main

main()
