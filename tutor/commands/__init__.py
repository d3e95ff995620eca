"""Click commands: thin shells over the core API (no logic of their own)."""
