"""The shared library of the reliability suite: processes, PostgreSQL, HTTP, datasets, results."""
