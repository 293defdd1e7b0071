"""The web side of the HTTP service: the request guard, the one error body, offline API
docs, and the rules explorer and decision form (server-rendered pages, no build step).

The application itself is built by :func:`lss_sol_rules.server.create_app`.
"""
