"""The managers' reports: the registry, each family of reports, printed documents, and exports for the accountant."""
