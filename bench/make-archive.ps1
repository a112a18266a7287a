param([string]$RootFsTarball, [string]$ArchivePath)
$ErrorActionPreference = 'Stop'
Import-Module "$PSScriptRoot/../out/ContainerTools"
$null = Import-ContainerImage -RootFs -Path $RootFsTarball -Name 'bench/debian:bookworm'
Export-ContainerImage -Image 'bench/debian:bookworm' -Path $ArchivePath -Format OciArchive
