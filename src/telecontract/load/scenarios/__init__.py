"""The load scenarios, shipped with the package: `telecontract load --scenario NAME` finds them.

Each module is a locustfile that reads like a user story (`masking_sessions`, `voice_calls`,
`callbacks`); `locust -f` runs any of them directly too.
"""
