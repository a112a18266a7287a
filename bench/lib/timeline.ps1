# For bench/timeline.sh: -Warm untimed runs, then (once the recorder is up: $env:CT_GO exists) -Runs timed runs 150 ms
# apart, printing their milliseconds on one line.
param([string] $Work, [int] $Warm, [int] $Runs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$options = @{ RemoveAutomatically = $true; Command = 'true' }
foreach ($i in 1..$Warm) { $null = Invoke-ContainerImage bench/busybox:latest @options }
[IO.File]::WriteAllText($env:CT_READY, 'x')
while (-not [IO.File]::Exists($env:CT_GO)) { Start-Sleep -Milliseconds 20 }
Start-Sleep -Milliseconds 300
$times = foreach ($i in 1..$Runs) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-ContainerImage bench/busybox:latest @options
    '{0:F1}' -f $watch.Elapsed.TotalMilliseconds
    Start-Sleep -Milliseconds 150
}
$times -join ' '
