"""The reference mock provider. `create_app(MockConfig(...))` gives the ASGI app."""

from telecontract.mock.app import create_app
from telecontract.mock.config import MockConfig

__all__ = ["MockConfig", "create_app"]
