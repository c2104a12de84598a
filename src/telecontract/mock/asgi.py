"""The mock as an importable ASGI app, for any ASGI server: `uvicorn telecontract.mock.asgi:app`.

Configured like `telecontract mock` with its defaults: accounts from the TELECONTRACT_* variables.
"""

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.mock.app import tune_gc

app = create_app(MockConfig(credentials=Credentials.from_env()))
tune_gc()
