"""The corpus scripts that pass on ours (run by ../test_corpus.py, not collected by pytest)."""
