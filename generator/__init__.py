"""gen: an OpenAPI-driven Python SDK generator."""

__version__ = "0.1.0"
