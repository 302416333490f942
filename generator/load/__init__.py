"""Stage 1: read, overlay, bundle $refs, validate. Only this stage knows YAML, JSON and $ref files."""

from .document import Document, load

__all__ = ["Document", "load"]
