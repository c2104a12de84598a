from __future__ import annotations

import pytest
import schemathesis

from telecontract.client_auth import schemathesis_auth_provider
from telecontract.contract import generation
from telecontract.contract.target import Target
from telecontract.spec import Spec


@pytest.fixture(scope="session")
def api_schema(spec: Spec, target: Target) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(spec.document)
    # The VTS path names the account; only the authenticated one may be used.
    schema.config.update(base_url=target.base_url, parameters={"auth_id": target.credentials.vts_auth_id})
    schema.auth(schemathesis_auth_provider(target.credentials), refresh_interval=None)
    generation.install(schema)
    return schema
