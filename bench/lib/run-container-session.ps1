# A warm session for bench/run-container.sh: runs `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command
# true` untimed until the JIT has settled (fewer than -SettledPerRun methods compiled per run over a batch of 50 runs,
# at most -MaxWarm runs), reports that on one line, then for each line N read from stdin times N runs and prints their
# median. One session serves every round, so rounds interleave with the peer's without warming up again.
# Why settle rather than a fixed count: with .NET's tiered compilation and dynamic PGO a session keeps re-compiling
# hot code (instrumented, then optimized) for its first few hundred runs, taking a core away from the run itself.
param([string] $Work, [int] $MaxWarm = 1000, [double] $SettledPerRun = 1)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
$options = @{ RemoveAutomatically = $true; Command = 'true' }
$batch = 50
$warmed = 0
do {
    $compiledBefore = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
    foreach ($i in 1..$batch) { $null = Invoke-ContainerImage bench/busybox:latest @options }
    $warmed += $batch
    $perRun = ([System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $compiledBefore) / $batch
} while ($perRun -ge $SettledPerRun -and $warmed -lt $MaxWarm)
[Console]::Out.WriteLine(('warmed up with {0} runs; the JIT compiled {1:F1} methods per run over the last {2}' -f $warmed, $perRun, $batch))
while ($null -ne ($line = [Console]::In.ReadLine())) {
    $times = foreach ($i in 1..[int]$line) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Invoke-ContainerImage bench/busybox:latest @options
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "Invoke-ContainerImage exited with $LASTEXITCODE" }
        $watch.Elapsed.TotalMilliseconds
    }
    [Console]::Out.WriteLine(('{0:F2}' -f (Get-Median $times)))
}
if (@(Get-Container).Count -ne 0) { throw 'containers were left behind by -RemoveAutomatically' }
