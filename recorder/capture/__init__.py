"""Capture: record camera streams into sealed, chained segments and recover after a crash."""
