# Fleet "hosts" on this machine, for Pester/Fleet.Tests.ps1 and bench/fleet.ps1: one sshd per host on 127.0.0.N (its
# own host key, config, pid file and log under a temp directory; nothing under /etc/ssh is read or changed), whose
# `Subsystem powershell` runs out/pwsh/pwsh -sshs with the host's own CONTAINERTOOLS_ROOT, HOME and module path.
# Clients log in as root with a key made for the fleet; host keys are accepted into the fleet's own known_hosts.

$script:FleetRepo = Split-Path -Parent $PSScriptRoot

# A free TCP port on $Address (bound, read, released).
function Get-FreeFleetPort([string] $Address) {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse($Address), 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# The fleet's directory and client key; /run/sshd (sshd's privilege separation directory) is made when missing and
# noted, so Remove-Fleet takes it away again.
function New-Fleet {
    $work = [IO.Directory]::CreateTempSubdirectory('ct-fleet-').FullName
    & ssh-keygen -q -t ed25519 -N '' -C ct-fleet -f (Join-Path $work 'client_key') | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'ssh-keygen failed' }
    $madeRunSshd = -not (Test-Path /run/sshd)
    if ($madeRunSshd) { New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null }
    [pscustomobject]@{
        Work        = $work
        Key         = Join-Path $work 'client_key'
        KnownHosts  = Join-Path $work 'known_hosts'
        MadeRunSshd = $madeRunSshd
        Hosts       = [System.Collections.Generic.List[object]]::new()
    }
}

# Starts one host: sshd on $Address, its store and home under the fleet's directory. -WithoutModule leaves
# ContainerTools off its module path (until Install-ContainerTools puts it in its home).
function Start-FleetHost($Fleet, [string] $Address, [switch] $WithoutModule) {
    $dir = New-Item -ItemType Directory -Path (Join-Path $Fleet.Work $Address) -Force
    $home_ = New-Item -ItemType Directory -Path (Join-Path $dir 'home') -Force
    & ssh-keygen -q -t ed25519 -N '' -f (Join-Path $dir 'host_key') | Out-Null
    Copy-Item "$($Fleet.Key).pub" (Join-Path $dir 'authorized_keys')
    $modules = if ($WithoutModule) { '' } else { Join-Path $script:FleetRepo 'out' }
    $pwsh = Join-Path $script:FleetRepo 'out/pwsh/pwsh'
    $subsystem = Join-Path $dir 'pwsh-subsystem.sh'
    Set-Content -Path $subsystem -Value @"
#!/bin/sh
export HOME='$home_' CONTAINERTOOLS_ROOT='$(Join-Path $dir 'store')' PSModulePath='$modules'
export DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
exec '$pwsh' -sshs -NoLogo -NoProfile
"@
    & chmod 755 $subsystem
    $port = Get-FreeFleetPort $Address
    $config = Join-Path $dir 'sshd_config'
    Set-Content -Path $config -Value @"
Port $port
ListenAddress $Address
HostKey $(Join-Path $dir 'host_key')
PidFile $(Join-Path $dir 'sshd.pid')
AuthorizedKeysFile $(Join-Path $dir 'authorized_keys')
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 64
MaxSessions 64
Subsystem powershell $subsystem
"@
    $process = Start-Process -FilePath /usr/sbin/sshd -ArgumentList '-D', '-f', $config, '-E', (Join-Path $dir 'sshd.log') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not (Test-FleetPort $Address $port)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "sshd for $Address did not start: $(Get-Content -Raw (Join-Path $dir 'sshd.log') -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 100
    }
    $fleetHost = [pscustomobject]@{ Address = $Address; Port = $port; Dir = $dir.FullName; Store = Join-Path $dir 'store'; Home = $home_.FullName; Process = $process }
    $Fleet.Hosts.Add($fleetHost)
    $fleetHost
}

function Test-FleetPort([string] $Address, [int] $Port) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try { $client.Connect($Address, $Port); $true } catch { $false } finally { $client.Dispose() }
}

# A PowerShell remoting session (over ssh) to a host of the fleet.
function New-FleetSession($Fleet, $FleetHost) {
    New-PSSession -HostName $FleetHost.Address -Port $FleetHost.Port -UserName root -KeyFilePath $Fleet.Key -ErrorAction Stop -Options @{
        StrictHostKeyChecking = 'no'; UserKnownHostsFile = $Fleet.KnownHosts; LogLevel = 'QUIET'; BatchMode = 'yes'
    }
}

# Stops a host's sshd (its sessions' ssh connections and subsystem pwsh processes end with it).
function Stop-FleetHost($FleetHost) {
    if (-not $FleetHost.Process.HasExited) {
        $FleetHost.Process.Kill($true)
        $FleetHost.Process.WaitForExit()
    }
}

# Removes every host's containers (through its own module, in a pwsh of its own environment), stops the sshds, removes
# the fleet's directory; throws when something stays (a mount under it, a failed removal).
function Remove-Fleet($Fleet, [System.Management.Automation.Runspaces.PSSession[]] $Sessions) {
    if (-not $Fleet) { return }
    $failures = @()
    if ($Sessions) { $Sessions | Remove-PSSession -ErrorAction SilentlyContinue }
    foreach ($fleetHost in $Fleet.Hosts) {
        Stop-FleetHost $fleetHost
        if (Test-Path (Join-Path $fleetHost.Store 'containers')) {
            $env:CONTAINERTOOLS_ROOT = $fleetHost.Store
            $failures += & (Join-Path $script:FleetRepo 'out/pwsh/pwsh') -NoProfile -NonInteractive -Command "
                Import-Module '$(Join-Path $script:FleetRepo 'out/ContainerTools')'
                Get-Container | Remove-Container -Force -ErrorAction SilentlyContinue -ErrorVariable +failed
                Get-ContainerVolume | Remove-ContainerVolume -Force -Confirm:`$false -ErrorAction SilentlyContinue -ErrorVariable +failed
                # The default bridge's host rules and link go with the store (the hosts' runs attach to it).
                Reset-ContainerStore -Force -Confirm:`$false -ErrorAction SilentlyContinue -ErrorVariable +failed | Out-Null
                `$failed | ForEach-Object { `"$($fleetHost.Address): `$(`$_.FullyQualifiedErrorId) `$(`$_.Exception.Message)`" }"
            Remove-Item Env:CONTAINERTOOLS_ROOT
        }
    }
    $mounts = @(Get-Content /proc/self/mounts | Where-Object { $_.Split(' ')[1].StartsWith($Fleet.Work + '/') })
    if (-not $mounts) { Remove-Item -LiteralPath $Fleet.Work -Recurse -Force }
    if ($Fleet.MadeRunSshd -and -not (Get-ChildItem /run/sshd -ErrorAction SilentlyContinue)) { Remove-Item /run/sshd -Force -ErrorAction SilentlyContinue }
    if ($failures -or $mounts) { throw "the fleet $($Fleet.Work) was not left clean: $(@($failures) + $mounts -join '; ')" }
}
