# Prints the median milliseconds of one Suspend-Container + Resume-Container pair on a running `sleep 300`
# container over -Pairs pairs in one warm engine, then removes the container.
param([string] $Work, [int] $Pairs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$container = Invoke-ContainerImage bench/busybox:latest -Detach -Command sleep, 300
try {
    foreach ($i in 1..5) { Suspend-Container $container.Id; Resume-Container $container.Id }
    $times = foreach ($i in 1..$Pairs) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Suspend-Container $container.Id
        Resume-Container $container.Id
        $watch.Stop()
        $watch.Elapsed.TotalMilliseconds
    }
    if ((Get-Container $container.Id).Status -ne 'Running') { throw 'the container is not running after the last resume' }
    '{0:F3}' -f (Get-Median $times)
}
finally {
    Remove-Container $container.Id -Force
}
