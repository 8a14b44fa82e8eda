"""khabar's version: one constant, read by the package, the signature and the hub card."""

__version__ = "0.1.0"
