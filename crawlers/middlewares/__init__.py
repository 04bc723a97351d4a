"""Middlewares: the address guard (netguard), real encodings, retries that back off and honour
Retry-After, robots.txt without tracebacks, and the crawl bounds the report reads (limits)."""
