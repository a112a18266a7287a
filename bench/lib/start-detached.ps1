# Starts -Count detached `sleep 300` containers and prints the milliseconds that took, then the number of containers
# Get-Container shows Running. With -Remove 1 it then removes them all (Get-Container | Remove-Container -Force) and
# prints the milliseconds of that and the number of containers left.
param([string] $Work, [int] $Count, [int] $Remove)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$watch = [Diagnostics.Stopwatch]::StartNew()
foreach ($i in 1..$Count) { $null = Invoke-ContainerImage bench/busybox:latest -Detach -Command sleep, 300 }
$watch.Stop()
[long]$watch.Elapsed.TotalMilliseconds
@(Get-Container -Status Running).Count
if ($Remove) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Get-Container | Remove-Container -Force
    $watch.Stop()
    [long]$watch.Elapsed.TotalMilliseconds
    @(Get-Container).Count
}
