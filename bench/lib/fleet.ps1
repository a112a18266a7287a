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
    $null = Invoke-ContainerImage -Session $sessions -Image bench/busybox -RemoveAutomatically -Command true
    foreach ($count in 1, 4, 8) {
        $some = $sessions[0..($count - 1)]
        "get $count $(Measure-Median { $null = Get-Container -Session $some })"
        "invoke-command $count $(Measure-Median { $null = Invoke-Command -Session $some { Get-Container } })"
        "run $count $(Measure-Median { $null = Invoke-ContainerImage -Session $some -Image bench/busybox -RemoveAutomatically -Command true })"
    }
}
finally {
    Remove-Fleet $fleet $sessions
}
