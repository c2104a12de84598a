"""What a live run may put on the wire, enforced where its requests leave.

Every request of a live run (the gate's cases, schemathesis's own probes and retries, our httpx
clients, the load users) goes to `guard`, a forwarding server on 127.0.0.1 in front of the real
hosts. It counts each request against the budget, paces it, sends it to its provider's host,
never follows a redirect, and refuses (never sends) one that would carry an unlisted number,
place a call that was not allowed, or name a callback host the user did not give. What it needs to
know about the API comes from the spec's `x-telecontract-*` marks (`marks`), not from tables.
"""
