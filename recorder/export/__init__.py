"""Export: a clip for an approved access request, its manifest, and the manifest's verifier."""
