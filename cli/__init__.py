"""The `paicha` command line: the same loaders and domain as the pages, headless."""
