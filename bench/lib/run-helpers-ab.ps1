# bench/ab-helpers.sh: -Runs pairs of a warm `Invoke-ContainerImage -RemoveAutomatically true`, one with the ctmon and
# ctinit of -Other, one with those of -This ($env:CONTAINERTOOLS_MONITOR and _INIT, which the engine reads at each start).
param([string] $Work, [int] $Runs, [string] $Other, [string] $This)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
function Use([string] $helpers) {
    $env:CONTAINERTOOLS_MONITOR = [IO.Path]::Combine($helpers, 'ctmon')
    $env:CONTAINERTOOLS_INIT = [IO.Path]::Combine($helpers, 'ctinit')
}
function Time([string] $helpers) {
    Use $helpers
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-ContainerImage bench/busybox:latest -RemoveAutomatically -Command true
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "Invoke-ContainerImage exited with $LASTEXITCODE ($helpers)" }
    $watch.Elapsed.TotalMilliseconds
}
foreach ($i in 1..5) { $null = Time $Other; $null = Time $This }
$a = [Collections.Generic.List[double]]::new(); $b = [Collections.Generic.List[double]]::new(); $d = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    if ($i % 2) { $x = Time $This; $y = Time $Other } else { $y = Time $Other; $x = Time $This }
    $a.Add($x); $b.Add($y); $d.Add($x - $y)
}
'Invoke-ContainerImage -RemoveAutomatically true: this {0:F2} ms, other {1:F2} ms, paired difference {2:F2} ms (median of {3} pairs)' -f (Get-Median $a), (Get-Median $b), (Get-Median $d), $Runs
