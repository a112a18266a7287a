# Where the network's time goes (bench/run-network.sh): median milliseconds of -Runs warm
# `Invoke-ContainerImage -RemoveAutomatically -Command true` runs with -Network none, on the default bridge, and on
# the bridge with -Publish.
param([string] $Work, [int] $Runs, [string] $Publish)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$cases = [ordered]@{
    '-Network none' = @{ Network = 'none' }
    'default bridge' = @{}
    "bridge -Publish $Publish" = @{ Publish = $Publish }
}
foreach ($name in $cases.Keys) {
    $options = $cases[$name]
    foreach ($i in 1..2) { $null = Invoke-ContainerImage bench/busybox:latest -RemoveAutomatically -Command true @options }
    $times = foreach ($i in 1..$Runs) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-ContainerImage bench/busybox:latest -RemoveAutomatically -Command true @options
        $watch.Elapsed.TotalMilliseconds
    }
    '{0,-32} {1:F2} ms' -f $name, (Get-Median $times)
}
