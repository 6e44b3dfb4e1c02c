"""Report writers, one module per format; all read one RunData."""
