"""Import list files (JSONL, CSV, XLSX) into the store."""
