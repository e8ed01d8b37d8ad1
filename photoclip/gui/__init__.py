"""The PySide6 desktop app: a thin face over :mod:`photoclip.core`."""
