"""The domain: policy vocabularies, rules, progress, sampling and text; no UI, no I/O."""
