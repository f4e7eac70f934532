"""Where state lives: the database engine, the unit of work and the file store."""
