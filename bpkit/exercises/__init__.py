"""One-line checks for the exercises of the book, one module per chapter (bpkit.exercises.chNN)."""
