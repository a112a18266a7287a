#Requires -Version 7.6
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
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'copies a tree into a running container and back with modes, owners and symlinks' {
        $tree = New-Item -ItemType Directory -Path (Join-Path $work 'tree')
        New-Item -ItemType Directory -Path (Join-Path $tree 'private') | Out-Null
        Set-Content -Path (Join-Path $tree 'tool') -Value '#!/bin/sh' -NoNewline
        Set-Content -Path (Join-Path $tree 'private/secret') -Value 's3cret' -NoNewline
        & chmod 4755 (Join-Path $tree 'tool')
        & chmod 700 (Join-Path $tree 'private')
        & chmod 640 (Join-Path $tree 'private/secret')
        & chown 1234:5678 (Join-Path $tree 'private/secret')
        [IO.File]::CreateSymbolicLink((Join-Path $tree 'relative'), 'private/secret') | Out-Null
        [IO.File]::CreateSymbolicLink((Join-Path $tree 'absolute'), '/etc/passwd') | Out-Null
        Invoke-ContainerImage local/busybox:1 -Detach -Name box -Command $sleeper | Out-Null
        Wait-ContainerLine box ready

        Get-Container box | Copy-ContainerFile -Path $tree -Destination /tmp/ -ToContainer
        $back = Join-Path $work 'back'
        Copy-ContainerFile box /tmp/tree $back

        Get-Content (Join-Path $back 'tool') -Raw | Should -Be '#!/bin/sh'
        & stat -c %a (Join-Path $back 'tool') (Join-Path $back 'private') (Join-Path $back 'private/secret') | Should -Be '4755', '700', '640'
        & stat -c %u:%g (Join-Path $back 'private/secret') | Should -Be '1234:5678'
        Get-Content (Join-Path $back 'private/secret') -Raw | Should -Be 's3cret'
        (Get-Item (Join-Path $back 'relative')).LinkTarget | Should -Be 'private/secret'
        (Get-Item (Join-Path $back 'absolute')).LinkTarget | Should -Be '/etc/passwd'
    }

    It 'resolves a relative host path against the current location, writes the container with -PassThru, and reports a missing path' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name box -Command $sleeper | Out-Null
        Wait-ContainerLine box ready
        Push-Location $work
        try {
            (Copy-ContainerFile box /etc/passwd ./passwd-copy -PassThru).Name | Should -Be 'box'
        }
        finally {
            Pop-Location
        }
        Get-Content (Join-Path $work 'passwd-copy') -Raw | Should -BeLike 'root:x:0:0*'

        Copy-ContainerFile box /no/such/file (Join-Path $work 'nothing') -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing | Should -HaveCount 1
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ContainerPathNotFound,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'never writes through a symlink the container planted onto the host, running or stopped' {
        $hostDir = New-Item -ItemType Directory -Path (Join-Path $work 'sentinel')
        $sentinel = Join-Path $hostDir 'file'
        Set-Content -Path $sentinel -Value 'original'
        $payload = Join-Path $work 'payload'
        Set-Content -Path $payload -Value 'overwritten'
        # The container recreates the host's directory path in its own root and plants links that lead "up" and to "/".
        $plant = "mkdir -p $hostDir && ln -s / /evil && ln -s ../../../../../../../../.. /tmp/up && ln -s $hostDir /linkdir && ln -s $sentinel /linkfile"
        Invoke-ContainerImage local/busybox:1 -Detach -Name hostile -Command /bin/sh, -c, "$plant; trap 'exit 7' TERM; echo ready; sleep 100 & wait" | Out-Null
        Wait-ContainerLine hostile ready

        foreach ($state in 'running', 'stopped') {
            foreach ($destination in "/evil$sentinel", "/tmp/up$sentinel", '/linkdir/file', '/linkfile', '/linkdir/') {
                Copy-ContainerFile hostile -Path $payload -Destination $destination -ToContainer
                Get-Content $sentinel | Should -Be 'original' -Because "$destination, $state"
            }
            (Get-ChildItem $hostDir).Name | Should -Be 'file'
            # The writes landed inside the container instead.
            Copy-ContainerFile hostile -Path $sentinel -Destination (Join-Path $work "inside-$state")
            Get-Content (Join-Path $work "inside-$state") | Should -Be 'overwritten'
            Stop-Container hostile
        }
    }
}

Describe 'Export-Container' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'writes a tarball that Import-ContainerImage -RootFs reads back, with what the container made' {
        Invoke-ContainerImage local/busybox:1 -Name maker -Command /bin/sh, -c, 'echo made inside > /made; chmod 640 /made; mkdir /data; ln -s /made /data/link'
        $tar = Join-Path $work 'maker.tar'
        (Get-Container maker | Export-Container -Path $tar -PassThru).FullName | Should -Be $tar
        # Written beside the path and renamed: no temp file stays.
        (Get-ChildItem $work -Force | Where-Object Name -like '*maker*').Name | Should -Be 'maker.tar'
        $listing = (& tar -tvf $tar) -join "`n"
        $listing | Should -Match '(?m) made$'
        $listing | Should -Match '(?m) bin/busybox$'

        Import-ContainerImage -RootFs -Path $tar -Name local/snapshot:1 | Out-Null
        Invoke-ContainerImage local/snapshot:1 -RemoveAutomatically -Command /bin/sh, -c, '/bin/cat /data/link; /bin/stat -c %a /made' |
            Should -Be 'made inside', '640'
    }
}

Describe 'Get-ContainerStatistic' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'shows the memory and CPU a busy container uses, for running containers only' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name hog -Command /bin/sh, -c, 'x=$(head -c 20000000 /dev/zero | tr "\0" a); echo held; while :; do :; done' | Out-Null
        Wait-ContainerLine hog held
        Invoke-ContainerImage local/busybox:1 -Name idle -Command true

        $row = Get-ContainerStatistic
        $row | Should -HaveCount 1
        $row | Should -BeOfType ContainerTools.ContainerStatistic
        $row.Name | Should -Be 'hog'
        $row.MemoryUsage | Should -BeGreaterThan 15MB
        $row.CpuPercent | Should -BeGreaterThan 10
        $row.MemoryPercent | Should -BeGreaterThan 0
        $row.MemoryLimit | Should -BeGreaterOrEqual $row.MemoryUsage
        $row.Pids | Should -BeGreaterOrEqual 1

        $streamed = Get-Container hog | Get-ContainerStatistic -Stream -Count 3 -IntervalMilliseconds 100
        $streamed | Should -HaveCount 3
        $streamed.Name | Should -Be 'hog', 'hog', 'hog'

        Get-ContainerStatistic idle -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        Stop-Container hog -Timeout 1
    }

    It 'formats percentages and binary sizes like docker stats' {
        [ContainerTools.Display]::Percent(12.345) | Should -Be '12.35%'
        [ContainerTools.Display]::BinarySize(20971520) | Should -Be '20MiB'
    }

    It 'needs no container, and binds containers by value and objects by Id or Name' {
        $container = (Get-Command Get-ContainerStatistic).Parameters['Container']
        $container.Aliases | Should -Be 'Id', 'Name'
        $binding = @($container.ParameterSets.Values)[0]
        $binding.IsMandatory | Should -BeFalse
        $binding.ValueFromPipeline | Should -BeTrue
        $binding.ValueFromPipelineByPropertyName | Should -BeTrue
        Get-ContainerStatistic | Should -BeNullOrEmpty

        Invoke-ContainerImage local/busybox:1 -Detach -Name bound -Command $sleeper | Out-Null
        Wait-ContainerLine bound ready
        ([pscustomobject]@{ Name = 'bound' } | Get-ContainerStatistic -IntervalMilliseconds 50).Name | Should -Be 'bound'
        (Get-Container bound | Get-ContainerStatistic -IntervalMilliseconds 50).Name | Should -Be 'bound'
    }
}

Describe 'Get-ContainerEvent' {
    BeforeAll {
        $script:since = Get-Date
        Invoke-ContainerImage local/busybox:1 -Name short -Command /bin/sh, -c, 'exit 3'
        Remove-Container short
        Invoke-ContainerImage local/busybox:1 -Detach -Name sleeper -Command $sleeper | Out-Null
        Wait-ContainerLine sleeper ready
        Suspend-Container sleeper
        Resume-Container sleeper
        Stop-Container sleeper
        $script:events = @(Get-ContainerEvent -Since $since)
    }
    AfterAll {
        Get-Container | Remove-Container -Force
    }

    It 'lists the events of each container in order, with the exit code' {
        $events | Should -BeOfType ContainerTools.ContainerEvent
        ($events | Where-Object Name -eq short).Action | Should -Be 'create', 'start', 'die', 'destroy'
        ($events | Where-Object Name -eq sleeper).Action | Should -Be 'create', 'start', 'pause', 'unpause', 'die', 'stop'
        ($events | Where-Object { $_.Name -eq 'short' -and $_.Action -eq 'die' }).Attributes.exitCode | Should -Be '3'
        $events.Type | Sort-Object -Unique | Should -Be 'container'
    }

    It 'filters by container name wildcards, id prefix, piped objects and action' {
        (Get-ContainerEvent -Since $since -Container short, sleep* -Action die).Name | Should -Be 'short', 'sleeper'
        'short', 'sleeper' | ForEach-Object { [pscustomobject]@{ Name = $_ } } | Get-ContainerEvent -Since $since -Action die | Should -HaveCount 2
        Get-Container sleeper | Get-ContainerEvent -Since $since | Should -HaveCount 6
        Get-ContainerEvent -Since $since -Container (Get-Container sleeper).Id.Substring(0, 8) | Should -HaveCount 6
    }

    It 'filters by time, and -Wait ends at -Until having written what was there' {
        Get-ContainerEvent -Since (Get-Date).AddMinutes(1) | Should -BeNullOrEmpty
        # The earlier stories' events are all before $since; these containers' are all after it.
        $before = @(Get-ContainerEvent -Until $since)
        $before.Count + $events.Count | Should -Be @(Get-ContainerEvent).Count
        $before.Name | Should -Not -Contain 'sleeper'
        Get-ContainerEvent -Wait -Since $since -Until (Get-Date).AddMilliseconds(300) | Should -HaveCount $events.Count
    }
}
