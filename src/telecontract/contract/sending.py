"""What every schemathesis request of a run is sent with: clean framing, then the real auth.

Live-run safety is not here: it is enforced where requests leave (`telecontract.wire`), for every
client alike.
"""

from __future__ import annotations

import requests

# Set by the HTTP layer from the body; a generated value here only breaks framing (and a
# front door answers that in its own shape, which is not the API's).
FRAMING_HEADERS = frozenset({"transfer-encoding", "content-length", "host", "connection"})


class SendingAuth(requests.auth.AuthBase):
    """Drops framing headers a generated case may carry, then signs (TeleSign TSA) as `auth` does."""

    def __init__(self, auth: requests.auth.AuthBase) -> None:
        self.auth = auth

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        for name in [n for n in request.headers if n.lower() in FRAMING_HEADERS and n.lower() != "content-length"]:
            del request.headers[name]
        return self.auth(request)
