"""photoclip: find your own photos by describing them.

The package root stays light: importing it loads neither Qt nor torch.
"""

__version__ = "0.1.0"
APP_NAME = "photoclip"
APP_ID = "io.github.photoclip.Photoclip"
