"""Alembic environment: runs on the connection jobraad hands it (encrypted)."""

from alembic import context

from db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only from the alembic CLI, which jobraad does not use
    raise RuntimeError("jobraad migrations run through db.migrate.upgrade_to_head()")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
