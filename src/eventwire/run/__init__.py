"""The runners: pipeline (the only one: code, clean-only and places-only runs), the process pool, ingest and
re-code into the store, Ray. The only layer that knows the order of the stages."""
