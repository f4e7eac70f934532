"""The model side: parsing, validation, deploy, serialization, forms of a versioned diagram."""
