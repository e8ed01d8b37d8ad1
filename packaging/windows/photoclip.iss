; Inno Setup script for the Windows installer. Build the folder first (packaging\build.sh in Git Bash,
; or the pyinstaller command in packaging/README.md), then:  iscc /DAppVersion=0.1.0 packaging\windows\photoclip.iss
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E1B3C2A-9F4D-4C7E-8B21-7A5D0C3F9E10}
AppName=photoclip
AppVersion={#AppVersion}
AppPublisher=photoclip developers
DefaultDirName={autopf}\photoclip
DefaultGroupName=photoclip
OutputDir=..\..\dist
OutputBaseFilename=photoclip-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icons\photoclip.ico
UninstallDisplayIcon={app}\photoclip-gui.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Files]
Source: "..\..\dist\photoclip\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\photoclip"; Filename: "{app}\photoclip-gui.exe"
Name: "{autodesktop}\photoclip"; Filename: "{app}\photoclip-gui.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\photoclip-gui.exe"; Description: "Start photoclip"; Flags: nowait postinstall skipifsilent
