"""Screens of the tutor's TUI, one per file."""
