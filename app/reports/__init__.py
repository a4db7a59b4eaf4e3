"""Session reports as files: CSV (one row per member) and a standalone HTML page."""
