"""`python -m khabar` is `khabar`."""

from .cli import main

main()
