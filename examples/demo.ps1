#Requires -Version 7.6
# A tour of ContainerTools: images, then containers made from them. `./run.sh demo` runs it with the pwsh on PATH, or
# where there is none with the pwsh ./build.sh makes (out/pwsh/pwsh -NoProfile -File examples/demo.ps1).
# It works in a store of its own (a temp dir) unless CONTAINERTOOLS_ROOT is already set, and removes what it made.
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
# Each step's objects go to Out-Host, so each step prints its own table, as at a prompt (one script's output stream
# would print every type after the first as a list).
Set-StrictMode -Version Latest

$repository = [IO.Path]::GetDirectoryName($PSScriptRoot)
Import-Module ([IO.Path]::Combine($repository, 'out', 'ContainerTools')) -Force

$work = [IO.Directory]::CreateTempSubdirectory('ct-demo-').FullName
$ownStore = [string]::IsNullOrEmpty($env:CONTAINERTOOLS_ROOT)
if ($ownStore) {
    $env:CONTAINERTOOLS_ROOT = [IO.Path]::Combine($work, 'store')
}

function Step([string] $Text) {
    Write-Host ''
    Write-Host "==> $Text"
}

# A root filesystem with busybox-static and one symlink per applet we use: enough to be a real image.
function New-BusyboxRootFs([string] $Tarball) {
    $busybox = @('/bin/busybox', '/usr/bin/busybox') | Where-Object { [IO.File]::Exists($_) }
    if (-not $busybox) { throw 'busybox-static is not installed (apt-get install busybox-static).' }
    $rootfs = [IO.Path]::Combine($work, 'rootfs')
    $bin = [IO.Directory]::CreateDirectory([IO.Path]::Combine($rootfs, 'bin')).FullName
    [IO.File]::Copy(@($busybox)[0], [IO.Path]::Combine($bin, 'busybox'))
    foreach ($applet in 'sh', 'ls', 'cat', 'echo', 'ps', 'sleep', 'true') {
        $null = [IO.File]::CreateSymbolicLink([IO.Path]::Combine($bin, $applet), 'busybox')
    }
    foreach ($dir in 'etc', 'tmp', 'proc', 'sys', 'dev', 'root') {
        $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($rootfs, $dir))
    }
    [IO.File]::WriteAllText([IO.Path]::Combine($rootfs, 'etc', 'passwd'), "root:x:0:0:root:/root:/bin/sh`n")
    [System.Formats.Tar.TarFile]::CreateFromDirectory($rootfs, $Tarball, $false)
}

try {
    Step "Store: $env:CONTAINERTOOLS_ROOT"

    Step 'Make a busybox image from a root filesystem tarball (like docker import)'
    $tarball = [IO.Path]::Combine($work, 'busybox-rootfs.tar')
    New-BusyboxRootFs $tarball
    Import-ContainerImage -RootFs -Path $tarball -Name local/busybox:1.0 | Out-Host

    Step 'Give it more names (like docker tag); objects bind from the pipeline'
    Get-ContainerImage local/busybox:1.0 | Add-ContainerImageTag -Tag local/busybox:latest, demo/tools:1 -PassThru | Out-Host

    Step 'List the images (one row per name, like docker images)'
    Get-ContainerImage | Out-Host

    Step "Filter with wildcards and Where-Object: local images over 500kB"
    Get-ContainerImage -Name 'local/*' | Where-Object Size -gt 500kB | Out-Host

    $image = Get-ContainerImage demo/tools:1
    Step 'One image, in detail'
    Write-Host "Id:         $($image.Id)"
    Write-Host "Names:      $($image.Names -join ', ')"
    Write-Host "Layers:     $($image.Layers.Count) ($($image.Layers -join ', '))"
    Write-Host "Platform:   $($image.Os)/$($image.Architecture)"
    Write-Host "Size:       $([ContainerTools.Display]::Size($image.Size))"

    Step 'Save every local/ image into one docker-archive (like docker save)'
    $archive = [IO.Path]::Combine($work, 'local-images.tar')
    $file = Get-ContainerImage -Name 'local/*' | Export-ContainerImage -Path $archive
    Write-Host "$($file.FullName): $([ContainerTools.Display]::Size($file.Length))"

    Step 'What would go? (-WhatIf removes nothing)'
    Get-ContainerImage -Name 'local/*' | Where-Object Size -gt 500kB | Remove-ContainerImage -WhatIf
    Write-Host "Still $(@(Get-ContainerImage).Count) names in the store"

    Step 'Remove a name, then load the archive back (like docker rmi / docker load)'
    Remove-ContainerImage demo/tools:1, local/busybox:latest
    $loaded = Import-ContainerImage -Path $archive
    Write-Host "Loaded $(@($loaded).Count) names from $([IO.Path]::GetFileName($archive))"
    Get-ContainerImage | Out-Host

    Step 'Errors are ErrorRecords, not stack traces'
    Get-ContainerImage no/such:image -ErrorAction SilentlyContinue -ErrorVariable failure
    Write-Host "$($failure[0].CategoryInfo.Category): $($failure[0].FullyQualifiedErrorId) - $($failure[0].Exception.Message)"

    Step 'Run a command in a container (like docker run): its stdout comes down the pipeline'
    $greeting = Invoke-ContainerImage local/busybox:1.0 -Name hello -Command echo, 'Hello from a container'
    Write-Host "Got '$greeting', exit code $LASTEXITCODE"
    Invoke-ContainerImage local/busybox:1.0 -Name failing -Command sh, -c, 'exit 3'
    Write-Host "A failing command: exit code $LASTEXITCODE"

    Step 'Two background containers with labels (like docker run -d)'
    # Each says 'ready' once it will exit cleanly on SIGTERM (a plain sleep as PID 1 would ignore it).
    $server = 'trap "exit 0" TERM; echo ready; while true; do sleep 1; done & wait'
    Invoke-ContainerImage local/busybox:1.0 -Detach -Name web -Label @{ app = 'web'; tier = 'front' } -Memory 64MB -Command sh, -c, $server | Out-Host
    Invoke-ContainerImage local/busybox:1.0 -Detach -Name worker -Label @{ app = 'worker' } -PidsLimit 50 -Command sh, -c, $server | Out-Host
    foreach ($name in 'web', 'worker') {
        while (@(Get-ContainerLog $name) -notcontains 'ready') { Start-Sleep -Milliseconds 50 }
    }

    Step 'Every container, running or not (like docker ps -a)'
    Get-Container | Out-Host

    Step 'Filter with Where-Object and labels: running containers labelled app=web'
    Get-Container -Label app=web | Where-Object Status -eq Running | Out-Host

    Step 'Run a command inside every running container (like docker exec), fanned out over the pipeline'
    Get-Container -Status Running | ForEach-Object {
        $hostname = Invoke-ContainerCommand -Container $_.Id -Command cat, /etc/hostname
        "$($_.Name): hostname $hostname, $((Get-ContainerProcess -Container $_.Id).Count) process(es)"
    } | Out-Host

    Step 'Pause one (cgroup freezer), look, resume it'
    Get-Container worker | Suspend-Container
    Get-Container worker | Out-Host
    Get-Container worker | Resume-Container -PassThru | Out-Host

    Step 'Stop the running ones through the pipeline (like docker stop)'
    Get-Container | Where-Object Status -eq Running | Stop-Container -PassThru | Out-Host

    Step 'What would go? Then remove every exited container (like docker container prune)'
    Get-Container | Where-Object Status -eq Exited | Remove-Container -WhatIf
    Get-Container | Where-Object Status -eq Exited | Remove-Container
    Write-Host "$(@(Get-Container).Count) containers left"
}
finally {
    if ($ownStore) {
        # Like podman system reset: every container, image, network (the default bridge is made on first use) and
        # volume of the demo's store, and every bridge, rule, mount and process it made on the host.
        Reset-ContainerStore -Force -ErrorAction Continue
        [Environment]::SetEnvironmentVariable('CONTAINERTOOLS_ROOT', $null)
    }
    [IO.Directory]::Delete($work, $true)
}
