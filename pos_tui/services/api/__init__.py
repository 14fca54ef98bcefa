"""The integration API's services: tokens, the resources it reads and writes, webhooks.

The HTTP side (Starlette routes, problem bodies, the OpenAPI document) is in ``pos_tui/api/``; it
calls these, and these call the same selling, catalogue and report services as the till.
"""
