"""All ORM rows, imported here so Alembic and ``Base.metadata`` see every table."""

from core.models.records import RecordRow, RecordSourceRow, RecordVersionRow

__all__ = ["RecordRow", "RecordSourceRow", "RecordVersionRow"]
