"""The version, in a module of its own: piiscan modules import it without importing the whole package."""
__version__ = "0.1.0"
