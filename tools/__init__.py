"""Developer tools run from a source checkout (never installed with the package)."""
