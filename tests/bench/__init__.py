"""`just bench`: the family reads under load, against a raw-asyncpg reference, in one run (not a test)."""
