# The start-time cost of the default seccomp filter (issue 12, goal <= 1 ms): the default profile against
# -SecurityOption seccomp=unconfined, alternated pair by pair in one warm engine (so both sides see the same load; the
# side that goes first alternates too), -Runs pairs of each of: New-Container; Start-Container + Wait-Container of
# containers made so; Invoke-ContainerImage -RemoveAutomatically true (the whole run). Prints each side's median and
# the median of the paired differences (filtered minus unconfined), in milliseconds. Then the first create of a new
# session (a child pwsh): with the store's compiled-filter cache empty (it compiles with libseccomp) and filled.
param([string] $Work, [int] $Runs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$image = 'bench/busybox:latest'
$unconfined = @{ SecurityOption = 'seccomp=unconfined' }
function Time([scriptblock] $action, $options) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $result = & $action $options
    $watch.Stop()
    , @($watch.Elapsed.TotalMilliseconds, $result)
}
function Pairs([string] $label, [scriptblock] $action, [object[]] $filteredInputs, [object[]] $unconfinedInputs) {
    $a = [Collections.Generic.List[double]]::new(); $b = [Collections.Generic.List[double]]::new(); $d = [Collections.Generic.List[double]]::new()
    $results = @{ filtered = [Collections.Generic.List[object]]::new(); unconfined = [Collections.Generic.List[object]]::new() }
    for ($i = 0; $i -lt $Runs; $i++) {
        if ($i % 2) { $x = Time $action $filteredInputs[$i]; $y = Time $action $unconfinedInputs[$i] }
        else { $y = Time $action $unconfinedInputs[$i]; $x = Time $action $filteredInputs[$i] }
        $a.Add($x[0]); $b.Add($y[0]); $d.Add($x[0] - $y[0])
        $results.filtered.Add($x[1]); $results.unconfined.Add($y[1])
    }
    # Printed rather than output: the function's output is the containers it made.
    [Console]::Out.WriteLine(('{0,-28} default {1,7:F2} ms, unconfined {2,7:F2} ms, paired difference {3,6:F2} ms (median of {4} pairs; goal <= 1 ms)' -f $label, (Get-Median $a), (Get-Median $b), (Get-Median $d), $Runs))
    $results
}
function Load { 'load average: ' + ([IO.File]::ReadAllText('/proc/loadavg').Split(' ')[0..2] -join ' ') }

$invoke = { param($o) $null = Invoke-ContainerImage $image -RemoveAutomatically -Command true @o; if ($LASTEXITCODE) { throw "exit $LASTEXITCODE" } }
foreach ($i in 1..3) { & $invoke @{}; & $invoke $unconfined }
Load
$none = @(foreach ($i in 1..$Runs) { @{} }); $unconfinedEach = @(foreach ($i in 1..$Runs) { $unconfined })
$created = Pairs 'New-Container:' { param($o) New-Container $image -Command true @o } $none $unconfinedEach
$null = Pairs 'Start- + Wait-Container:' { param($c) $null = Start-Container $c.Id; $null = Wait-Container $c.Id } $created.filtered $created.unconfined
@($created.filtered) + @($created.unconfined) | ForEach-Object { Remove-Container $_.Id -Force }
$null = Pairs 'Invoke-ContainerImage (run):' $invoke $none $unconfinedEach
Load

# The first default create of a session, in a new pwsh each: after two unconfined creates (so that the engine's own
# first-use costs are paid), the first create with the default profile and the next one.
$cache = [IO.Path]::Combine($env:CONTAINERTOOLS_ROOT, 'seccomp')
$child = {
    param($image, $module)
    Import-Module $module
    $made = foreach ($i in 1..2) { New-Container $image -Command true -SecurityOption seccomp=unconfined }
    $times = foreach ($i in 1..2) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $made += New-Container $image -Command true
        $watch.Elapsed.TotalMilliseconds
    }
    $made | ForEach-Object { Remove-Container $_.Id -Force }
    $times
}
$pwsh = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
foreach ($state in 'empty', 'filled') {
    $firsts = [Collections.Generic.List[double]]::new(); $nexts = [Collections.Generic.List[double]]::new()
    foreach ($session in 1..3) {
        if ($state -eq 'empty' -and (Test-Path $cache)) { Remove-Item -Recurse -Force $cache }
        $first, $next = & $pwsh -NoProfile -NonInteractive -Command $child -args $image, (Get-Module ContainerTools).ModuleBase
        $firsts.Add($first); $nexts.Add($next)
    }
    'first default create of a session, store cache {0,-6}: {1,7:F1} ms (the next create: {2:F1} ms; medians of 3 sessions)' -f $state, (Get-Median $firsts), (Get-Median $nexts)
}
Load

# Bundles for bench/lib/seccomp-start-cpu.sh: a default and an unconfined container's config.json (text unchanged
# but for the root, so that the section still matches the store's program) on a plain busybox directory.
$rootfs = [IO.Directory]::CreateDirectory([IO.Path]::Combine($Work, 'seccomp-rootfs', 'bin')).Parent.FullName
if (-not (Test-Path "$rootfs/bin/busybox")) { Copy-Item /bin/busybox "$rootfs/bin/busybox"; $null = New-Item -ItemType SymbolicLink -Path "$rootfs/bin/true" -Target busybox }
foreach ($side in @{ name = 'default'; options = @{} }, @{ name = 'unconfined'; options = $unconfined }) {
    $o = $side.options
    $container = New-Container $image -Command /bin/true @o
    $from = [IO.Path]::Combine($env:CONTAINERTOOLS_ROOT, 'containers', $container.Id)
    $bundle = [IO.Directory]::CreateDirectory([IO.Path]::Combine($Work, "seccomp-bundle-$($side.name)")).FullName
    $config = [IO.File]::ReadAllText("$from/bundle/config.json").Replace("""$from/merged""", """$rootfs""")
    [IO.File]::WriteAllText("$bundle/config.json", $config)
    if (Test-Path "$from/bundle/seccomp.bpf") { Copy-Item "$from/bundle/seccomp.bpf" "$bundle/seccomp.bpf" }
}
