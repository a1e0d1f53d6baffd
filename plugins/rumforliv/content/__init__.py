"""The content format: reading and checking editors' files (no Pelican, no output)."""
