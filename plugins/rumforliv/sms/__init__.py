"""The week's short texts for an SMS service or a group chat, counted in SMS segments."""
