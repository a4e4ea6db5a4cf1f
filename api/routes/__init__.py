"""One module per resource; each exports ``router``."""
