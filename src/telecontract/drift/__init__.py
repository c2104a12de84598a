"""Drift detection: spec against spec, traffic against spec, the spec's examples against its schemas."""
