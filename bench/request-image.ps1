# Prints the milliseconds Request-ContainerImage takes, measured inside a warm engine (module already loaded).
param([string]$Reference)
$ErrorActionPreference = 'Stop'
Import-Module "$PSScriptRoot/../out/ContainerTools"
$watch = [System.Diagnostics.Stopwatch]::StartNew()
$null = Request-ContainerImage -Name $Reference
$watch.Stop()
[long]$watch.Elapsed.TotalMilliseconds
