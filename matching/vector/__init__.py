"""Dense leg: FAISS behind add / remove / search / save / load / len."""
