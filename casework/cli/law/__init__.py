"""Commands about the law the system applies: rulebooks, the holiday calendar, deadlines."""
