#!/usr/bin/env bash
# Builds out/ContainerTools (a folder that Import-Module loads as is) and out/pwsh (pwsh 7.6 from the Microsoft.PowerShell.SDK
# NuGet package, with Pester in its Modules/: the shell the tests, the demo and the bench run scripts with).
set -euo pipefail
cd "$(dirname "$0")"
config=${CONFIGURATION:-Release}
module=out/ContainerTools
rm -rf "$module"
mkdir -p "$module"
# -r linux-x64: pwsh ignores deps.json, so RID-specific assets (Tmds.LibC) must sit beside the module dll.
dotnet publish src/Cmdlets/ContainerTools.Cmdlets.csproj -c "$config" -r linux-x64 --self-contained false -o "$module" -nologo -v q
# ctcleanup, the exit hook ctmon runs: framework-dependent beside the module dll, sharing ContainerTools.Runtime.dll
# (the engine) and ContainerTools.OciRuntime.dll (the low-level library, which the cmdlets publish too).
dotnet publish src/Cleanup/ContainerTools.Cleanup.csproj -c "$config" -r linux-x64 --self-contained false -o "$module" -nologo -v q
# ctapi, the Docker Engine API server: framework-dependent beside the module dll too, on the same engine assemblies.
dotnet publish src/Api/ContainerTools.Api.csproj -c "$config" -r linux-x64 --self-contained false -o "$module" -nologo -v q
# ctinit, ctmon and ctrun (the runc-compatible CLI): NativeAOT, each built on the low-level library (src/OciRuntime) alone.
dotnet publish src/Init/ContainerTools.Init.csproj -c "$config" -r linux-x64 -o out/obj/init -nologo -v q
dotnet publish src/Monitor/ContainerTools.Monitor.csproj -c "$config" -r linux-x64 -o out/obj/monitor -nologo -v q
dotnet publish src/Ctrun/ContainerTools.Ctrun.csproj -c "$config" -r linux-x64 -o out/obj/ctrun -nologo -v q
install -m 0755 out/obj/init/ctinit out/obj/monitor/ctmon out/obj/ctrun/ctrun "$module/"
cp -r module/. "$module/"
rm -f "$module"/*.pdb "$module"/*.deps.json
rm -rf out/pwsh
dotnet publish src/Pwsh/ContainerTools.Pwsh.csproj -c "$config" -r linux-x64 --self-contained false -o out/pwsh -nologo -v q
echo "built $module and out/pwsh/pwsh"
