# Run by bench/build.sh: makes bench/busybox:latest from a root file system tarball and exports it as a docker-archive
# that both Build-ContainerImage's store and buildah load.
param([string] $RootFs, [string] $Archive)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
$null = Import-ContainerImage -RootFs -Path $RootFs -Name bench/busybox:latest
$null = Export-ContainerImage bench/busybox:latest -Path $Archive
