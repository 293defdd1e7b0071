"""Built-in plugins: the national rules and the standard functions."""
