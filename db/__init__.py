"""Persistence for jobraad: models, the encrypted engine, migrations. Imports no Qt."""
