# Prints the milliseconds Import-ContainerImage takes, measured inside a warm engine (module already loaded).
param([string]$ArchivePath)
$ErrorActionPreference = 'Stop'
Import-Module "$PSScriptRoot/../out/ContainerTools"
$watch = [System.Diagnostics.Stopwatch]::StartNew()
$null = Import-ContainerImage -Path $ArchivePath
$watch.Stop()
[long]$watch.Elapsed.TotalMilliseconds
