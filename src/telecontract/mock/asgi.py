"""The mock as an importable ASGI app, for any ASGI server: `uvicorn telecontract.mock.asgi:app`.

Configured like `telecontract mock` with its defaults: accounts from the TELECONTRACT_* variables.
Its GC tuning (`tune_gc`, process-wide) happens when the server starts the app (ASGI lifespan),
never at import: importing this module leaves the importing process's collector as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette

from telecontract.credentials import Credentials
from telecontract.mock import MockConfig, create_app
from telecontract.mock.app import tune_gc

app = create_app(MockConfig(credentials=Credentials.from_env()))
_mock_lifespan = app.router.lifespan_context


@contextlib.asynccontextmanager
async def _tuned_lifespan(starlette: Starlette) -> AsyncIterator[Any]:
    tune_gc()  # the server is starting: this process is the mock's
    async with _mock_lifespan(starlette) as state:
        yield state


app.router.lifespan_context = _tuned_lifespan
