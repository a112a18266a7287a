# Where the time of one run goes: median milliseconds of New-Container, Start-Container, Wait-Container and
# Remove-Container of `true` over -Runs runs in one warm engine, one line per phase; then the attached run's own phases.
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
# The foreground run itself (what Invoke-ContainerImage -RemoveAutomatically does, through the engine's API): create,
# start attached (the monitor connected before the program runs), output and exit code over that connection, and
# FinishAttached (the exit settled and the container removed in this process, no ctcleanup).
$module = [IO.Path]::GetDirectoryName((Get-Module ContainerTools).Path)
$store = [ContainerTools.Runtime.Containers.ContainerStore]::new([ContainerTools.Runtime.Storage.StoreRoot]::FromEnvironment(), $null,
    [ContainerTools.Runtime.Containers.ContainerStoreOptions]@{
        MonitorPath = [IO.Path]::Combine($module, 'ctmon'); InitPath = [IO.Path]::Combine($module, 'ctinit'); CleanupPath = [IO.Path]::Combine($module, 'ctcleanup') })
$attached = [ordered]@{ 'Create' = [Collections.Generic.List[double]]::new(); 'StartAttached' = [Collections.Generic.List[double]]::new(); 'output and exit code' = [Collections.Generic.List[double]]::new(); 'FinishAttached (settle, remove)' = [Collections.Generic.List[double]]::new() }
foreach ($i in 1..($Runs + 2)) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $created = $store.Create([ContainerTools.Runtime.Containers.ContainerCreateOptions]@{ Image = 'bench/busybox:latest'; Command = [string[]]@('true'); AutoRemove = $true })
    $create = $watch.Elapsed.TotalMilliseconds
    $run = $store.StartAttached($created.Id)
    $start = $watch.Elapsed.TotalMilliseconds
    $null = @($store.AttachedOutput($run, [Threading.CancellationToken]::None))
    $output = $watch.Elapsed.TotalMilliseconds
    $code = $store.FinishAttached($run, [Threading.CancellationToken]::None)
    $finish = $watch.Elapsed.TotalMilliseconds
    if ($code -ne 0) { throw "true exited with $code" }
    if ($i -le 2) { continue }
    $attached['Create'].Add($create); $attached['StartAttached'].Add($start - $create)
    $attached['output and exit code'].Add($output - $start); $attached['FinishAttached (settle, remove)'].Add($finish - $output)
}
foreach ($name in $attached.Keys) { 'attached run, {0}: {1:F1} ms' -f $name, (Get-Median $attached[$name].ToArray()) }
