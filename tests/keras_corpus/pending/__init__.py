"""The corpus scripts that still fail on ours (strict xfails in ../test_corpus.py)."""
