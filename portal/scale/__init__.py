"""A reproducible synthetic nation for scale tests and benchmarks (`generate_scale`)."""
