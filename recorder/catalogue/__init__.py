"""Catalogue: the footage tables, their database guards, the hash chain, verification, disk layout."""
