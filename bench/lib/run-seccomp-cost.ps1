# The start-time cost of the default seccomp filter (issue 12): `Invoke-ContainerImage bench/busybox
# -RemoveAutomatically -Command true` with the default profile and with -SecurityOption seccomp=unconfined, alternated
# run by run in one warm engine (so both see the same load), -Runs pairs. Prints each side's median and the median of
# the paired differences (filtered minus unconfined), in milliseconds.
param([string] $Work, [int] $Runs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$filtered = @{ RemoveAutomatically = $true; Command = 'true' }
$unconfined = @{ RemoveAutomatically = $true; Command = 'true'; SecurityOption = 'seccomp=unconfined' }
function Time-Run([hashtable] $options) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-ContainerImage bench/busybox:latest @options
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "Invoke-ContainerImage exited with $LASTEXITCODE" }
    $watch.Elapsed.TotalMilliseconds
}
foreach ($i in 1..3) { $null = Time-Run $filtered; $null = Time-Run $unconfined }
$a = [Collections.Generic.List[double]]::new(); $b = [Collections.Generic.List[double]]::new(); $d = [Collections.Generic.List[double]]::new()
foreach ($i in 1..$Runs) {
    # Alternate which side goes first, so neither always follows the other.
    if ($i % 2) { $x = Time-Run $filtered; $y = Time-Run $unconfined } else { $y = Time-Run $unconfined; $x = Time-Run $filtered }
    $a.Add($x); $b.Add($y); $d.Add($x - $y)
}
'default profile:     {0:F2} ms' -f (Get-Median $a)
'seccomp=unconfined:  {0:F2} ms' -f (Get-Median $b)
'paired difference:   {0:F2} ms (median of {1} pairs; goal <= 1 ms)' -f (Get-Median $d), $Runs
