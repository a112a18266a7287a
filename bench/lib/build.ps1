# Run by bench/build.sh: imports a busybox image (every applet) into the store, then times Build-ContainerImage of the
# ten-step Dockerfile in $Context cold, again fully cached, and once more after b.txt changed. Prints
# "<cold ms> <cached ms> <changed ms> <cache hits of the changed build>".
param([string] $Work, [string] $Context, [string] $Archive)
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
$null = Import-ContainerImage -Path $Archive

function Measure-Build {
    $steps = @()
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Build-ContainerImage -Path $Context -Tag bench/app:1 -InformationVariable steps 6>$null
    $watch.Stop()
    [pscustomobject]@{ Ms = $watch.Elapsed.TotalMilliseconds; Hits = @($steps | Where-Object { "$_" -like '--> Using cache*' }).Count }
}

$cold = Measure-Build
$cached = Measure-Build
[IO.File]::WriteAllText([IO.Path]::Combine($Context, 'b.txt'), "b changed $([guid]::NewGuid())`n")
$changed = Measure-Build
'{0:F0} {1:F0} {2:F0} {3}' -f $cold.Ms, $cached.Ms, $changed.Ms, $changed.Hits
