"""bulletin-extractor: county 12345 hotline bulletins back into comparable data."""

__version__ = "0.1.0"
