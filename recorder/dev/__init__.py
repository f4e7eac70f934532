"""Development footage: synthetic H.264 scenes and stand-in cameras for the demo, tests and benches."""
