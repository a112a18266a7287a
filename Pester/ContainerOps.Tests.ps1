#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Working inside containers: Copy-ContainerFile, Export-Container, Get-ContainerStatistic, Get-ContainerEvent.
# Build first (./build.sh), then, as root (containers need namespaces, mounts and cgroups):
#   Invoke-Pester ./Pester/ContainerOps.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'ops'
    $script:work = $store.Work
    New-BusyboxImage local/busybox:1 -Applets '*' | Out-Null

    $script:sleeper = @('/bin/sh', '-c', 'trap "exit 7" TERM; echo ready; sleep 100 & wait')
    function Wait-ContainerLine([string] $Name, [string] $Line) {
        for ($i = 0; $i -lt 500; $i++) {
            if (@(Get-ContainerLog $Name) -contains $Line) { return }
            Start-Sleep -Milliseconds 20
        }
        throw "$Name never wrote '$Line'"
    }
}

AfterAll {
    # The containers ran on the default bridge network, made on first use: it goes with the store.
    Exit-TestStore $store
}

Describe 'Copy-ContainerFile' {
    It 'copies a tree into a running container and back with modes and symlinks' {
        $tree = New-Item -ItemType Directory -Path (Join-Path $work 'tree')
        Set-Content -Path (Join-Path $tree 'tool') -Value 'tool'
        & chmod 4755 (Join-Path $tree 'tool')
        [IO.File]::CreateSymbolicLink((Join-Path $tree 'link'), 'tool') | Out-Null
        Invoke-ContainerImage local/busybox:1 -Detach -Name box -Command $sleeper | Out-Null
        Wait-ContainerLine box ready

        Get-Container box | Copy-ContainerFile -Path $tree -Destination /tmp/ -ToContainer
        Copy-ContainerFile box /tmp/tree (Join-Path $work 'back')

        Get-Content (Join-Path $work 'back/tool') | Should -Be 'tool'
        (& stat -c %a (Join-Path $work 'back/tool')) | Should -Be '4755'
        (Get-Item (Join-Path $work 'back/link')).LinkTarget | Should -Be 'tool'
    }

    It 'never writes through a symlink the container planted onto the host' {
        $sentinel = Join-Path $work 'sentinel'
        Set-Content -Path $sentinel -Value 'original'
        $payload = Join-Path $work 'payload'
        Set-Content -Path $payload -Value 'overwritten'
        Invoke-ContainerImage local/busybox:1 -Name hostile -Command /bin/sh, -c, "mkdir -p $work && ln -s / /evil && ln -s ../../../../../../.. /tmp/up"

        Copy-ContainerFile hostile -Path $payload -Destination "/evil$sentinel" -ToContainer
        Copy-ContainerFile hostile -Path $payload -Destination "/tmp/up$sentinel" -ToContainer

        Get-Content $sentinel | Should -Be 'original'
        Copy-ContainerFile hostile -Path $sentinel -Destination (Join-Path $work 'inside')
        Get-Content (Join-Path $work 'inside') | Should -Be 'overwritten'
    }
}

Describe 'Export-Container' {
    It 'writes a tarball that Import-ContainerImage -RootFs reads back, with what the container made' {
        Invoke-ContainerImage local/busybox:1 -Name maker -Command /bin/sh, -c, 'echo made inside > /made'
        $tar = Join-Path $work 'maker.tar'
        Export-Container maker -Path $tar -PassThru | Should -BeOfType System.IO.FileInfo
        Import-ContainerImage -RootFs -Path $tar -Name local/snapshot:1 | Out-Null
        Invoke-ContainerImage local/snapshot:1 -RemoveAutomatically -Command /bin/cat, /made | Should -Be 'made inside'
    }
}

Describe 'Get-ContainerStatistic' {
    It 'shows the memory and CPU a busy container uses' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name hog -Command /bin/sh, -c, 'x=$(head -c 20000000 /dev/zero | tr "\0" a); echo held; while :; do :; done' | Out-Null
        Wait-ContainerLine hog held
        $row = Get-ContainerStatistic hog
        $row | Should -BeOfType ContainerTools.ContainerStatistic
        $row.MemoryUsage | Should -BeGreaterThan 15MB
        $row.CpuPercent | Should -BeGreaterThan 10
        @(Get-ContainerStatistic hog -Stream -Count 2).Count | Should -Be 2
        Stop-Container hog -Timeout 1
    }
}

Describe 'Get-ContainerEvent' {
    It 'lists the events of a container in order' {
        $since = Get-Date
        Invoke-ContainerImage local/busybox:1 -Name short -Command /bin/sh, -c, 'exit 3'
        Remove-Container short
        $events = Get-ContainerEvent -Since $since | Where-Object Name -eq short
        $events.Action | Should -Be @('create', 'start', 'die', 'destroy')
        ($events | Where-Object Action -eq die).Attributes.exitCode | Should -Be '3'
    }
}
