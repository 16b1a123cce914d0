"""SQLAlchemy 2 (async, Core) adapters: tables, repositories, unit of work."""
