"""A mirror of Omnara's v1 Python SDK (PyPI omnara 1.7.0, omnara-ai/omnara at 500a82ad), written
for our compatibility suite: the same requests on the wire and the same parsing, including its
strict dataclasses, so a field added to or missing from a v1 response fails here as it would
fail for a user of the real SDK."""
