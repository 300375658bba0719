"""Ingest: finding runs under the logdirs and loading their event files, incrementally, into the
stores (discovery -> multiplexer -> one loader per run -> its accumulator -> ``board.data``)."""
