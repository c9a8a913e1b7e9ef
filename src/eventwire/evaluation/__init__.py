"""Scoring the coder on gold sets: events (PLOVER, CASE, ConfliBERT, the sample page) and places/dates."""
