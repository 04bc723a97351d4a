"""Downloader middlewares: real encodings, and retries that back off and honour Retry-After."""
