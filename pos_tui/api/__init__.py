"""`pos api serve`: the HTTP/JSON service for integrations (Starlette on uvicorn, its own process).

Like the TUI and the CLI, it is a way in that calls services; it never writes SQL of its own.
"""
