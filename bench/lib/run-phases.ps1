# Where the time of one run goes: median milliseconds of New-Container, Start-Container, Wait-Container and
# Remove-Container of `true` over -Runs runs in one warm engine, one line per phase.
param([string] $Work, [int] $Runs)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$phases = [ordered]@{ 'New-Container' = [Collections.Generic.List[double]]::new(); 'Start-Container' = [Collections.Generic.List[double]]::new(); 'Wait-Container' = [Collections.Generic.List[double]]::new(); 'Remove-Container' = [Collections.Generic.List[double]]::new() }
foreach ($i in 1..($Runs + 2)) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $container = New-Container bench/busybox:latest -Command true
    $new = $watch.Elapsed.TotalMilliseconds
    $null = Start-Container $container.Id
    $start = $watch.Elapsed.TotalMilliseconds
    $null = Wait-Container $container.Id
    $wait = $watch.Elapsed.TotalMilliseconds
    Remove-Container $container.Id -Force
    $remove = $watch.Elapsed.TotalMilliseconds
    if ($i -le 2) { continue }
    $phases['New-Container'].Add($new); $phases['Start-Container'].Add($start - $new)
    $phases['Wait-Container'].Add($wait - $start); $phases['Remove-Container'].Add($remove - $wait)
}
foreach ($name in $phases.Keys) { '{0}: {1:F1} ms' -f $name, (Get-Median $phases[$name].ToArray()) }
