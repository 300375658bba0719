"""The dashboard: loads logdirs of event files and serves them over HTTP to the browser."""
