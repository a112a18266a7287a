# The exit as the monitor owns it: RUNS detached `-RemoveAutomatically -Command true` containers on -Network NETWORK,
# one at a time; for each, the milliseconds from ctmon's exit.json to the container directory gone (ctcleanup's start,
# its network teardown and the removal), watched on the file system with no engine call. Prints the median, min, max.
param([string] $Work, [string] $Network, [int] $Runs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$times = foreach ($i in 1..($Runs + 1)) {
    $container = Invoke-ContainerImage bench/busybox:latest -Detach -RemoveAutomatically -Network $Network -Command true
    $dir = [IO.Path]::Combine($env:CONTAINERTOOLS_ROOT, 'containers', $container.Id)
    $exit = [IO.Path]::Combine($dir, 'exit.json')
    while (-not [IO.File]::Exists($exit) -and [IO.Directory]::Exists($dir)) { [Threading.Thread]::Sleep(1) }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    while ([IO.Directory]::Exists($dir)) {
        if ($watch.Elapsed.TotalSeconds -gt 30) { throw "the container $($container.Id) was not removed within 30 s of its exit" }
        [Threading.Thread]::Sleep(1)
    }
    # The first run loads the module's code paths: not counted.
    if ($i -gt 1) { $watch.Elapsed.TotalMilliseconds }
}
$sorted = [double[]]$times
[Array]::Sort($sorted)
'{0}: exit.json -> gone: median {1:F0} ms (min {2:F0}, max {3:F0}, {4} runs)' -f $Network, $sorted[[int][Math]::Floor($Runs / 2)], $sorted[0], $sorted[-1], $Runs
