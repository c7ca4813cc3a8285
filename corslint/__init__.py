"""corslint: static CORS linter for server and framework configuration."""

__version__ = "0.1.0"
