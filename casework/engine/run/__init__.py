"""The run side: instances started, stepped, stored, queued, timed and migrated."""
