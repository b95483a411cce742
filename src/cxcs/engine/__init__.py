"""Pure functions over the knowledge models: comparison and classification."""
