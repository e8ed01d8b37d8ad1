; Inno Setup script for the Windows installer. Build the folder first (packaging\build.sh in Git Bash, or
; the commands in packaging/README.md), then, for the ONNX edition (the default installer):
;     iscc /DAppVersion=0.1.0 packaging\windows\photoclip.iss
; and for the torch edition (dist\torch\photoclip, from build.sh --torch):
;     iscc /DAppVersion=0.1.0 /DTorch packaging\windows\photoclip.iss
; Both install to the same place under the same AppId: one replaces the other.
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifdef Torch
  #define DistDir "..\..\dist\torch\photoclip"
  #define Edition "-torch"
#else
  #define DistDir "..\..\dist\photoclip"
  #define Edition ""
#endif

[Setup]
AppId={{6E1B3C2A-9F4D-4C7E-8B21-7A5D0C3F9E10}
AppName=photoclip
AppVersion={#AppVersion}
AppPublisher=photoclip developers
DefaultDirName={autopf}\photoclip
DefaultGroupName=photoclip
OutputDir=..\..\dist
OutputBaseFilename=photoclip{#Edition}-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icons\photoclip.ico
UninstallDisplayIcon={app}\photoclip-gui.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[InstallDelete]
; A switch between editions leaves no library of the other one behind (torch alone is gigabytes).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\photoclip"; Filename: "{app}\photoclip-gui.exe"
Name: "{autodesktop}\photoclip"; Filename: "{app}\photoclip-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\photoclip-gui.exe"; Description: "Start photoclip"; Flags: nowait postinstall skipifsilent
