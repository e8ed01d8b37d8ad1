#!/usr/bin/env bash
# Installs the unpacked photoclip folder for the current user: a launcher in ~/.local/bin, the
# desktop entry, the AppStream metadata and the icons (so it shows in the desktop's app list).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/bin" "$DATA/applications" "$DATA/metainfo" "$DATA/icons"
ln -sf "$HERE/photoclip" "$HOME/.local/bin/photoclip"
ln -sf "$HERE/photoclip-gui" "$HOME/.local/bin/photoclip-gui"
sed "s|^Exec=.*|Exec=$HERE/photoclip-gui %F|" "$HERE/share/applications/io.github.photoclip.Photoclip.desktop" \
    > "$DATA/applications/io.github.photoclip.Photoclip.desktop"
cp "$HERE/share/metainfo/"*.xml "$DATA/metainfo/"
cp -r "$HERE/share/icons/hicolor" "$DATA/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$DATA/icons/hicolor" || true
echo "photoclip installed: run 'photoclip-gui' or find it in your applications."
