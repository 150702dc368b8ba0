"""One module per reliability case; each has run(args) and saves its result."""
