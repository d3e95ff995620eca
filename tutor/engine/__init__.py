"""One model per machine: a local engine process serves many tutor processes.

`tutor serve` starts one browser session (one TUI process) per student. Each
loading torch and MiniLM would need gigabytes per student, so the model, the
index and the checkers live once, in an engine process (`server`), and the
TUI processes reach it over a Unix socket through `client.TutorClient`,
which has the methods of `tutor.api.Tutor` that the TUI calls and imports
no torch. Concurrent requests are batched through the model (`batching`).

Core code: imports nothing from Textual or click.
"""
