"""The thin command line over the fleksmon library."""
