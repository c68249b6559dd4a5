"""hiprom: hip range of motion from an ordinary phone video."""

__version__ = "0.1.0"
