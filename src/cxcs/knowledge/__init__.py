"""Loading and validating the knowledge files."""
