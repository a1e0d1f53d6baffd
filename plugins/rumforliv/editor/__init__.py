"""The editors' commands (invoke tasks call these)."""
