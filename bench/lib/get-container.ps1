# Creates -Count containers (New-Container, status Created) and prints the milliseconds that took, then the median
# milliseconds of 5 `Get-Container` calls over them (after one warm-up), the count seen, and the milliseconds of
# removing them all.
param([string] $Work, [int] $Count)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$watch = [Diagnostics.Stopwatch]::StartNew()
foreach ($i in 1..$Count) { $null = New-Container bench/busybox:latest -Command true }
$watch.Stop()
[long]$watch.Elapsed.TotalMilliseconds
$seen = @(Get-Container).Count
$times = foreach ($i in 1..5) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $all = Get-Container
    $watch.Stop()
    $watch.Elapsed.TotalMilliseconds
}
'{0:F1}' -f (Get-Median $times)
$seen
$watch = [Diagnostics.Stopwatch]::StartNew()
Get-Container | Remove-Container -Force
$watch.Stop()
[long]$watch.Elapsed.TotalMilliseconds
