"""The checkpoint: the question bank as data, pure grading, and attempt storage."""
