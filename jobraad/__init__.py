"""jobraad: the domain and services of the caseworker's tool. Imports no Qt."""

__version__ = "0.1.0"
