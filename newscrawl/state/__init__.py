"""State across runs: the store interface, the SQLite and Redis stores, the run lock."""
