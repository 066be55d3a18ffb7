"""Readers of the files the contracts app imports: pure functions from bytes to plain dataclasses,
every problem named in French; the services decide what to record."""
