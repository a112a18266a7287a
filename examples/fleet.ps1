# Fleet operations with ContainerTools over PowerShell remoting (SSH): one pipeline over many hosts.
#   ./examples/fleet.ps1 -HostName web1, web2, web3 -Image registry.example/app:2.0
# Needs key authentication to each host (root, or a user who may run containers) and pwsh 7.6+ there with
# `Subsystem powershell /usr/bin/pwsh -sshs -NoLogo` in its sshd_config. See docs/fleets.md.
param(
    [Parameter(Mandatory)] [string[]] $HostName,
    [string] $UserName = 'root',
    [string] $KeyFilePath = '~/.ssh/id_ed25519',
    # The image to roll out, and the container it replaces on each host.
    [string] $Image,
    [string] $Name = 'app'
)
$ErrorActionPreference = 'Stop'
Import-Module ContainerTools

$fleet = New-PSSession -HostName $HostName -UserName $UserName -KeyFilePath $KeyFilePath
try {
    # The same ContainerTools everywhere: copy this version where it is missing, then look at the hosts.
    Install-ContainerTools -Session $fleet | Format-Table ComputerName, Version, Copied
    Get-ContainerHost -Session $fleet | Format-Table ComputerName, Version, Kernel, CgroupVersion, Running, Stopped, Images

    # 1. Restart every unhealthy container across the fleet. Containers with a health check report Health; without
    #    one, a container that exited with a non-zero code counts as unhealthy. Each object goes back to its own host.
    $unhealthy = Get-Container -Session $fleet | Where-Object {
        if ($_.PSObject.Properties['Health'] -and $_.Health) { "$($_.Health)" -eq 'Unhealthy' }
        else { $_.Status -eq 'Exited' -and $_.ExitCode -ne 0 }
    }
    $unhealthy | Format-Table
    $unhealthy | Restart-Container

    # 2. Roll an image out host by host: pull it, replace the container, check it runs; on the first host where it
    #    does not, put the previous container back and stop, so the rest of the fleet keeps the old version.
    if ($Image) {
        foreach ($session in $fleet) {
            $hostName = $session.ComputerName
            Request-ContainerImage -Session $session -Name $Image | Out-Null
            $previous = Get-Container -Session $session -Name $Name -ErrorAction SilentlyContinue
            if ($previous) {
                $previous | Stop-Container -Timeout 10
                $previous | Rename-Container -NewName "$Name-previous"
            }
            $next = New-Container -Session $session -Name $Name -Image $Image
            $next | Start-Container
            Start-Sleep -Seconds 3
            if ((Get-Container -Session $session -Name $Name).Status -ne 'Running') {
                Write-Warning "$hostName`: $Image does not stay up; putting the previous $Name back"
                Get-ContainerLog -Session $session -Container $Name -Tail 20 | Write-Warning
                $next | Remove-Container -Force
                if ($previous) {
                    $previous | Rename-Container -NewName $Name
                    $previous | Start-Container
                }
                throw "roll-out of $Image stopped at $hostName"
            }
            if ($previous) { $previous | Remove-Container }
            Write-Host "$hostName`: $Name runs $Image"
        }
    }
}
finally {
    $fleet | Remove-PSSession
}
