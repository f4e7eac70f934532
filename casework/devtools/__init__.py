"""Developer tools (test databases); not used at run time."""
