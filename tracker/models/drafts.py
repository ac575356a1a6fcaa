"""Models of the drafts feature."""
