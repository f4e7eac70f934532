"""The public 行政执法公示 door: published penalty decisions, no sign-in."""
