"""The iCal feeds."""
