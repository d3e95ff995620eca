"""Classroom exercises: exercise files, student names, submissions and their grade.

Core code: imports nothing from Textual or click. One module per concern:

- `spec`: exercise files (TOML), checked field by field with the line of each problem;
- `names`: student names as typed, and the safe file-name keys made from them;
- `grade`: the exercise grade from the rubric, the focus fallacies weighing double;
- `submission`: the submission record, its files (atomic, locked per student) and its reader.
"""

from __future__ import annotations

from tutor.exercise.grade import Grade, TurnGrade, focus_first, grade
from tutor.exercise.names import MAX_NAME, clean_name, is_key, name_slug, new_key
from tutor.exercise.spec import Exercise, ExerciseError, Problem, load_exercise, template, validate_file, validate_text
from tutor.exercise.submission import (
    FORMAT,
    FORMAT_VERSION,
    Claim,
    Entry,
    Submission,
    SubmissionError,
    TurnTiming,
    claim,
    load_submission,
    parse_submission,
    scan,
    submissions_folder,
    transcript,
)

__all__ = [
    "FORMAT", "FORMAT_VERSION", "MAX_NAME", "Claim", "Entry", "Exercise", "ExerciseError", "Grade", "Problem",
    "Submission", "SubmissionError", "TurnGrade", "TurnTiming", "claim", "clean_name", "focus_first", "grade",
    "is_key", "load_exercise", "load_submission", "name_slug", "new_key", "parse_submission", "scan",
    "submissions_folder", "template", "transcript", "validate_file", "validate_text",
]
