"""Persistence adapter: SQLAlchemy models, repositories, the unit of work, migrations."""
