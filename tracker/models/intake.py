"""Models of the intake feature."""
