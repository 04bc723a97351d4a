"""Hub clients: Hugging Face (through ``huggingface_hub``), ModelScope and GitHub (httpx)."""
