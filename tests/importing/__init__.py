"""Import tests: broken and messy files, dry runs, round trips."""
