"""One module per report format; each reads the run's summary and recording and writes a file."""
