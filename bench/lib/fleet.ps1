# bench/fleet.sh's measurements: 8 sshd hosts (Pester/FleetHosts.ps1) with sessions open, each with bench/busybox and
# $Containers created containers; Get-Container -Session and Invoke-ContainerImage -Session over 1, 4 and 8 hosts,
# and Invoke-Command -Session { Get-Container } over the same hosts (PowerShell's own fan-out, the reference).
# Prints "<what> <hosts> <median ms>" lines.
param([int] $Runs = 7, [int] $Containers = 20)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
. ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'Pester', 'FleetHosts.ps1'))

function Measure-Median([scriptblock] $Script) {
    $times = foreach ($i in 1..$Runs) { (Measure-Command $Script).TotalMilliseconds }
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
    # Every host as warm as the first: host 1 is measured alone first, and a pwsh host's JIT keeps compiling the hot
    # paths for its first runs; one warm-up each left hosts 5-8 colder than host 1.
    foreach ($i in 1..$Runs) { $null = Invoke-ContainerImage -Session $sessions -Image bench/busybox -RemoveAutomatically -Network none -Command true }
    foreach ($count in 1, 4, 8) {
        $some = $sessions[0..($count - 1)]
        "get $count $(Measure-Median { $null = Get-Container -Session $some })"
        "invoke-command $count $(Measure-Median { $null = Invoke-Command -Session $some { Get-Container } })"
        # -Network none: these hosts share one kernel, whose iptables lock would serialise the bridge set-up that real
        # hosts do each on their own; the fan-out is what is measured.
        "run $count $(Measure-Median { $null = Invoke-ContainerImage -Session $some -Image bench/busybox -RemoveAutomatically -Network none -Command true })"
    }
}
finally {
    Remove-Fleet $fleet $sessions
}
