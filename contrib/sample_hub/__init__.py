"""An offline hub: Hugging Face, ModelScope and GitHub API shapes over generated data.

``serve_in_thread()`` starts it on 127.0.0.1 and returns a handle with the base URL, the
per-month endpoints and ``stop()``; ``registry_path()`` is the bundled registry of the
sample enterprises. Each month is served under ``/as-of/YYYY-MM-DD``.
"""

from __future__ import annotations

from contrib.sample_hub.data import SampleHub, generate
from contrib.sample_hub.server import SampleHubHandle, registry_path, serve_in_thread

__all__ = ["SampleHub", "SampleHubHandle", "generate", "registry_path", "serve_in_thread"]
