"""pytest collects doctests from the package: without the web extra, skip the module that needs it."""
import importlib.util

collect_ignore = [] if importlib.util.find_spec("fastapi") else ["app.py"]
