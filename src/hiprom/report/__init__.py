"""Outputs for people: plots (and, later, the annotated video and documents)."""
