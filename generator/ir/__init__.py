"""Stage 2: the loaded document → typed, frozen dataclasses describing the SDK."""

from .build import build_ir

__all__ = ["build_ir"]
