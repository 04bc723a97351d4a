"""The service layer: one function per action, called by both the CLI and the HTTP API.

Each face only parses input and renders output; both pass the same :class:`RecordFilter`
and get the same :class:`~api.services.errors.ServiceError` subclasses, which the CLI maps
once to an exit status and the API once to an HTTP status.
"""
