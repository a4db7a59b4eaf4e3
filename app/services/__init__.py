"""Use cases over the database: what the routers and the CLI call."""
