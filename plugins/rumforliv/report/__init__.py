"""The plan's success report for the boards and the progress group, and the short addresses it counts."""
