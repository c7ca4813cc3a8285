"""pyparsing grammars used by corslint's frontends.

Installed as ``corslint.grammars`` (see pyproject.toml); the Apache httpd grammar
lands here with the Apache frontend.
"""
