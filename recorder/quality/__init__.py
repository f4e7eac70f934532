"""Quality: keyframe checks (black, covered, frozen, moved ...), gaps, and operator alarms."""
