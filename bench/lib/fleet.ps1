# bench/fleet.sh's measurements: 8 sshd hosts (Pester/FleetHosts.ps1) with sessions open, each with bench/busybox and
# $Containers created containers; Get-Container -Session and Invoke-ContainerImage -Session over 1, 4 and 8 hosts,
# and Invoke-Command -Session { Get-Container } over the same hosts (PowerShell's own fan-out, the reference).
# Prints "<what> <hosts> <median ms>" lines; with -CpuCounter (bench/fleet.sh's cgroup holding every process of the run:
# cpuacct.usage on v1, cpu.stat on v2) also "cpu-<what> <hosts> <ms CPU a call>" for 1 and 8 hosts, the idle hosts'
# CPU meanwhile subtracted ("cpu-idle 0 <ms CPU a second>").
param([int] $Runs = 7, [int] $Containers = 20, [string] $CpuCounter = '')
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
. ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'Pester', 'FleetHosts.ps1'))

# CPU time, in ms, of every process in the bench's cgroup so far.
function Get-CpuMs {
    if ($CpuCounter.EndsWith('cpu.stat')) {
        [double]((Get-Content $CpuCounter | Where-Object { $_ -like 'usage_usec *' }) -split ' ')[1] / 1e3
    }
    else {
        [double](Get-Content $CpuCounter) / 1e6
    }
}

$script:idleCpuMsPerSecond = 0.0
$script:cpuLines = @()

# The median wall time of $Runs calls; with a CPU counter, their CPU a call is noted as "cpu-$What $Hosts" (less what
# idle hosts spend in the same time).
function Measure-Median([scriptblock] $Script, [string] $What = '', [int] $Hosts = 0) {
    $cpuBefore = if ($CpuCounter) { Get-CpuMs }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $times = foreach ($i in 1..$Runs) { (Measure-Command $Script).TotalMilliseconds }
    if ($CpuCounter -and $What -and $Hosts -in 1, 8) {
        $cpu = (Get-CpuMs) - $cpuBefore - $script:idleCpuMsPerSecond * $clock.Elapsed.TotalSeconds * (8 - $Hosts) / 8
        $script:cpuLines += "cpu-$What $Hosts $([math]::Round($cpu / $Runs, 1))"
    }
    [math]::Round((Get-Median $times), 1)
}

$fleet = New-Fleet
$sessions = @()
try {
    $hosts = foreach ($n in 2..9) { Start-FleetHost $fleet "127.0.0.$n" }
    $sessions = @($hosts | ForEach-Object { New-FleetSession $fleet $_ })
    $PSDefaultParameterValues['Import-ContainerImage:Session'] = $sessions
    New-BenchBusyboxImage $fleet.Work
    $PSDefaultParameterValues.Remove('Import-ContainerImage:Session')
    foreach ($i in 1..$Containers) { $null = New-Container -Session $sessions -Image bench/busybox -Command true }
    $null = Get-Container -Session $sessions
    # Warm: every step is measured once no process compiles much any more. A fresh pwsh (each session's host, and this
    # client) JITs what a call runs, then at call 30 or so recompiles the hot methods at tier 1; measured before
    # that, eight hosts recompiling at once on few cores are measured rather than the fan-out (bench/README.md). The
    # warm-up runs every step's call on all hosts until the process that compiled most compiled < 20 methods a round
    # (at most 60 rounds: a long tail of rarely hot methods goes on), and says how long it took and what the first and
    # last rounds cost.
    $compiled = { [System.Runtime.JitInfo]::GetCompiledMethodCount($false) }
    $counts = {
        $all = @{ '' = & $compiled }
        foreach ($count in Invoke-Command -Session $sessions $compiled) { $all[$count.PSComputerName] = [long]$count }
        $all
    }
    $rounds = 0
    do {
        $before = & $counts
        $cpuBefore = if ($CpuCounter) { Get-CpuMs }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        foreach ($i in 1..5) {
            $null = Get-Container -Session $sessions
            $null = Invoke-Command -Session $sessions { Get-Container }
            $null = Invoke-ContainerImage -Session $sessions -Image bench/busybox -RemoveAutomatically -Network none -Command true
        }
        $rounds += 5
        $cpu = if ($CpuCounter) { ((Get-CpuMs) - $cpuBefore) / 5 } else { 0 }
        $after = & $counts
        $most = [math]::Round(($(foreach ($k in $after.Keys) { $after[$k] - $before[$k] }) | Measure-Object -Maximum).Maximum / 5)
        if ($rounds -eq 5) { "warm-first 5 $most $([math]::Round($clock.Elapsed.TotalMilliseconds / 5)) $([math]::Round($cpu))" }
    } while ($most -ge 20 -and $rounds -lt 60)
    "warm-last $rounds $most $([math]::Round($clock.Elapsed.TotalMilliseconds / 5)) $([math]::Round($cpu))"
    if ($CpuCounter) {
        # The warm-up's JIT goes on in the background (tier-1 recompilation of what got hot) for seconds after it: the
        # hosts are left to settle first (a second spending < 20 ms CPU, or 20 s), else a one-host step is charged
        # for eight hosts' compilation. What is left (idle hosts and this client doing nothing) is subtracted in
        # proportion to the hosts idle during a step.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            $before = Get-CpuMs
            Start-Sleep -Seconds 1
            $script:idleCpuMsPerSecond = (Get-CpuMs) - $before
        } while ($script:idleCpuMsPerSecond -gt 20 -and [DateTime]::UtcNow -lt $deadline)
        "cpu-idle 0 $([math]::Round($script:idleCpuMsPerSecond, 2))"
    }
    foreach ($count in 1, 4, 8) {
        $some = $sessions[0..($count - 1)]
        "get $count $(Measure-Median { $null = Get-Container -Session $some } get $count)"
        "invoke-command $count $(Measure-Median { $null = Invoke-Command -Session $some { Get-Container } } invoke-command $count)"
        # -Network none: these hosts share one kernel, whose iptables lock would serialise the bridge set-up that real
        # hosts do each on their own; the fan-out is what is measured.
        "run $count $(Measure-Median { $null = Invoke-ContainerImage -Session $some -Image bench/busybox -RemoveAutomatically -Network none -Command true } run $count)"
    }
    $script:cpuLines
}
finally {
    Remove-Fleet $fleet $sessions
}
