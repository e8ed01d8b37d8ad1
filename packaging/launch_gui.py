"""Entry script of the frozen desktop app (PyInstaller starts here)."""

from photoclip.gui.launch import main

if __name__ == "__main__":
    main()
