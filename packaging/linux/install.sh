#!/usr/bin/env bash
# Installs the unpacked photoclip folder for the current user: launchers in ~/.local/bin, the
# desktop entry, the AppStream metadata and the icons (so it shows in the desktop's app list).
# Nothing is copied out of the folder but those small files: keep the folder where it is (move it,
# then run this again). `install.sh --uninstall` takes them away again.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
ENTRY="$DATA/applications/io.github.photoclip.Photoclip.desktop"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$HOME/.local/bin/photoclip" "$HOME/.local/bin/photoclip-gui" "$ENTRY" \
        "$DATA/metainfo/io.github.photoclip.Photoclip.metainfo.xml"
    find "$DATA/icons/hicolor" -path "*/apps/photoclip.*" -delete 2>/dev/null || true
    command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
    echo "photoclip's launchers, desktop entry and icons removed (the folder $HERE and your library stay)."
    exit 0
fi

case "$HERE" in
    *[\"\`\$\\]*) echo "install.sh: move the folder to a path without \", \`, \$ or \\ in it first: $HERE" >&2; exit 1 ;;
esac
mkdir -p "$HOME/.local/bin" "$DATA/applications" "$DATA/metainfo" "$DATA/icons"
ln -sf "$HERE/photoclip" "$HOME/.local/bin/photoclip"
ln -sf "$HERE/photoclip-gui" "$HOME/.local/bin/photoclip-gui"
# The entry starts the app in this folder by its full path (quoted, as the desktop entry spec asks
# for a path that may hold spaces), so it works whether or not ~/.local/bin is on the PATH.
while IFS= read -r line; do
    case "$line" in
        Exec=*) printf 'Exec="%s/photoclip-gui" %%F\n' "$HERE" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$HERE/share/applications/io.github.photoclip.Photoclip.desktop" > "$ENTRY"
cp "$HERE/share/metainfo/"*.xml "$DATA/metainfo/"
cp -r "$HERE/share/icons/hicolor" "$DATA/icons/"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$DATA/icons/hicolor" 2>/dev/null || true
echo "photoclip installed: find it in your applications, or run 'photoclip-gui' (~/.local/bin)."
