"""The receiver gate: the team's own webhook endpoint, judged as the provider would find it.

`telecontract gate --receiver-url [KIND=]URL` runs `telecontract.receiver.suite` against it:
signed callbacks generated from the spec's webhooks must be acknowledged (twice, when delivered
twice), forged ones refused, Voice v2 events answered with valid actions, all within the
provider's timeout.
"""
