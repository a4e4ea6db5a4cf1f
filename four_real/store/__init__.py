"""The store: everything that arrives, kept with its history, and what reconciliation concluded."""
