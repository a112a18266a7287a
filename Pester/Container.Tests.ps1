#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The container cmdlets' user stories, for pwsh 7 with Pester 5. Build first (./build.sh), then, as root (containers
# need namespaces, mounts and cgroups):
#   Invoke-Pester ./Pester/Container.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'container'
    New-BusyboxImage local/busybox:1 -Applets sh, echo, sleep, cat, hostname, true, false, pwd | Out-Null

    # Exits 7 at once on SIGTERM (a bare sleep as PID 1 would ignore it) and says 'ready' once its trap is set.
    $script:server = @('sh', '-c', 'trap "exit 7" TERM; echo ready; sleep 100 & wait')
    function script:Wait-Ready([string] $Name) {
        for ($i = 0; $i -lt 500; $i++) {
            if (@(Get-ContainerLog $Name) -contains 'ready') { return }
            Start-Sleep -Milliseconds 20
        }
        throw "$Name never said ready"
    }
}

AfterAll {
    # The default bridge network is made on first use: its Linux bridge and rules go with this store.
    Exit-TestStore $store
}

Describe 'Invoke-ContainerImage' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'writes the container''s stdout to the pipeline and sets $LASTEXITCODE' {
        Invoke-ContainerImage local/busybox:1 -Command echo, hello | Should -Be 'hello'
        $LASTEXITCODE | Should -Be 0
    }

    It 'propagates the exit code and writes stderr as ContainerStderr errors' {
        $out = Invoke-ContainerImage local/busybox:1 -Command sh, -c, 'echo out; echo err >&2; exit 3' -ErrorVariable stderr -ErrorAction SilentlyContinue
        $out | Should -Be 'out'
        $LASTEXITCODE | Should -Be 3
        $stderr | Should -HaveCount 1
        $stderr[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStderr,*'
        $stderr[0].Exception.Message | Should -Be 'err'
        (Get-Container).ExitCode | Should -Be 3
    }

    It 'leaves each run as an Exited container with its exit code, newest first' {
        Invoke-ContainerImage local/busybox:1 -Command echo, hello | Out-Null
        Invoke-ContainerImage local/busybox:1 -Command sh, -c, 'exit 3'
        (Get-Container).Status | Should -Be 'Exited', 'Exited'
        (Get-Container).ExitCode | Should -Be 3, 0
    }

    It 'removes the container afterwards with -RemoveAutomatically' {
        Invoke-ContainerImage local/busybox:1 -RemoveAutomatically -Command sh, -c, 'echo bye; exit 5' | Should -Be 'bye'
        $LASTEXITCODE | Should -Be 5
        Get-Container | Should -BeNullOrEmpty
    }

    It 'sets $LASTEXITCODE to 125 when nothing could run, and says why' {
        Invoke-ContainerImage no/such:image -Command true -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $LASTEXITCODE | Should -Be 125
        Invoke-ContainerImage local/busybox:1 -RemoveAutomatically -Command /no/such/program -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStartFailed,*'
        # The program is not found: 127, as docker run exits, and the reason is said once.
        $LASTEXITCODE | Should -Be 127
        ([regex]::Matches($failed[0].Exception.Message, 'could not start')).Count | Should -Be 1
        Get-Container | Should -BeNullOrEmpty
    }

    It 'returns a running Container with -Detach' {
        $c = Invoke-ContainerImage local/busybox:1 -Detach -Name bg -Command $server
        $c | Should -BeOfType ContainerTools.Container
        $c.Status | Should -Be 'Running'
        $c.Pid | Should -BeGreaterThan 0
    }
}

Describe 'New-Container and Start-Container' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'creates from a piped image with the given options, then runs attached' {
        $c = Get-ContainerImage local/busybox:1 | New-Container -Name greeter -Command sh, -c, 'echo "$GREETING from $(hostname) in $(pwd)"' `
            -Environment @{ GREETING = 'hi' } -Hostname box -WorkingDirectory /tmp -Label @{ app = 'demo' } -Memory 64MB -Cpus 0.5 -PidsLimit 50
        $c.Status | Should -Be 'Created'
        $c.Name | Should -Be 'greeter'
        $c.Image | Should -Be 'docker.io/local/busybox:1'
        $c.Id | Should -Match '^[0-9a-f]{64}$'
        $c.ShortId | Should -Be $c.Id.Substring(0, 12)
        $c.Command | Should -Be 'sh', '-c', 'echo "$GREETING from $(hostname) in $(pwd)"'
        $c.Labels['app'] | Should -Be 'demo'
        $c.Memory | Should -Be 64MB
        $c.Cpus | Should -Be 0.5
        $c.PidsLimit | Should -Be 50
        $c.ExitCode | Should -BeNullOrEmpty
        $c.StartedAt | Should -BeNullOrEmpty

        $c | Start-Container -Attach | Should -Be 'hi from box in /tmp'
        $LASTEXITCODE | Should -Be 0
        Wait-Container greeter | Should -Be 0
        Get-ContainerLog greeter | Should -Be 'hi from box in /tmp'
        (Get-Container greeter).Status | Should -Be 'Exited'
        (Get-Container greeter).FinishedAt | Should -Not -BeNullOrEmpty
    }

    It 'keeps label values as strings' {
        (New-Container local/busybox:1 -Label @{ tier = 1 } -Command true).Labels['tier'] | Should -Be '1'
    }

    It 'refuses a name in use with ResourceExists' {
        New-Container local/busybox:1 -Name taken -Command true | Out-Null
        New-Container local/busybox:1 -Name taken -Command true -ErrorVariable clash -ErrorAction SilentlyContinue
        $clash[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $clash[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNameInUse,*'
    }
}

Describe 'A detached container''s life' {
    BeforeAll {
        Invoke-ContainerImage local/busybox:1 -Detach -Name sleeper -Command $server | Out-Null
        Wait-Ready sleeper
    }
    AfterAll {
        Get-Container | Remove-Container -Force
    }

    It 'is listed as running, with a pid' {
        (Get-Container -Status Running).Name | Should -Be 'sleeper'
        (Get-Container sleeper).Pid | Should -BeGreaterThan 0
        (Get-Container sleeper).StatusText | Should -BeLike 'Up *'
        [ContainerTools.Display]::Status((Get-Container sleeper)) | Should -BeLike 'Up *'
    }

    It 'makes Wait-Container -Timeout 0 an OperationTimeout error while it runs' {
        Wait-Container sleeper -Timeout 0 -ErrorVariable timedOut -ErrorAction SilentlyContinue
        $timedOut[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
        $timedOut[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'pauses and resumes' {
        Suspend-Container sleeper
        (Get-Container sleeper).Status | Should -Be 'Paused'
        (Get-Container sleeper).StatusText | Should -BeLike '*(Paused)'
        (Get-Container sleeper | Resume-Container -PassThru).Status | Should -Be 'Running'
    }

    It 'stops with its stop signal and Wait-Container gives the exit code' {
        $stopped = Get-Container sleeper | Stop-Container -PassThru
        $stopped.Status | Should -Be 'Exited'
        $stopped.ExitCode | Should -Be 7
        Wait-Container sleeper | Should -Be 7
        Get-Container -Status Running, Paused | Should -BeNullOrEmpty
    }
}

Describe 'Pipelines over containers' {
    BeforeEach {
        Invoke-ContainerImage local/busybox:1 -Name done-1 -Command true
        Invoke-ContainerImage local/busybox:1 -Name done-2 -Command false
        Invoke-ContainerImage local/busybox:1 -Detach -Name web -Label @{ app = 'web' } -Command $server | Out-Null
        Invoke-ContainerImage local/busybox:1 -Detach -Name db -Label @{ app = 'db' } -Command $server | Out-Null
        Wait-Ready web
        Wait-Ready db
    }
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'removes, stops and restarts nothing with -WhatIf' {
        Get-Container | Where-Object Status -eq Exited | Remove-Container -WhatIf
        Get-Container | Remove-Container -Force -WhatIf
        Get-Container | Stop-Container -WhatIf
        Get-Container | Restart-Container -WhatIf
        Get-Container | Should -HaveCount 4
        Get-Container -Status Running | Should -HaveCount 2
        (Get-Container -Label app=web).RestartCount | Should -Be 0
    }

    It 'filters by label key or key=value' {
        Get-Container -Label app | Should -HaveCount 2
        (Get-Container -Label app=web).Name | Should -Be 'web'
        Get-Container -Label app=none | Should -BeNullOrEmpty
    }

    It 'removes the exited containers' {
        Get-Container | Where-Object Status -eq Exited | Remove-Container
        (Get-Container).Name | Sort-Object | Should -Be @('db', 'web')
    }

    It 'restarts by label' {
        $before = Get-Container web
        $restarted = Get-Container -Label app=web | Restart-Container -PassThru
        $restarted.Name | Should -Be 'web'
        $restarted.Status | Should -Be 'Running'
        $restarted.RestartCount | Should -Be 1
        $restarted.Pid | Should -Not -Be $before.Pid
        (Get-Container db).RestartCount | Should -Be 0
    }

    It 'refuses to remove a running container without -Force' {
        Remove-Container web -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'ContainerRunning,*'
        Get-Container web | Should -Not -BeNullOrEmpty
    }

    It 'matches names with wildcards, case-insensitively, ids, id prefixes and piped objects' {
        (Get-Container 'd*').Name | Sort-Object | Should -Be @('db', 'done-1', 'done-2')
        (Get-Container 'DONE-?').Name | Sort-Object | Should -Be @('done-1', 'done-2')
        Get-Container 'nothing*' | Should -BeNullOrEmpty
        $db = Get-Container db
        (Get-Container $db.ShortId).Name | Should -Be 'db'
        (Get-Container -Id $db.Id.Substring(0, 6)).Name | Should -Be 'db'
        ([pscustomobject]@{ Name = 'db' } | Get-Container).Name | Should -Be 'db'
        ([pscustomobject]@{ Id = $db.Id } | Stop-Container -PassThru).Name | Should -Be 'db'
    }

    It 'acts on wildcards too, and a pattern that matches nothing is no error' {
        Remove-Container 'done-*'
        Remove-Container 'nothing*' -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        (Get-Container).Name | Sort-Object | Should -Be @('db', 'web')
    }

    It 'completes container names from the store' {
        (TabExpansion2 -inputScript 'Start-Container we' -cursorColumn 18).CompletionMatches.CompletionText | Should -Be 'web'
    }
}

Describe 'Logs, renames and errors' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'gets the log, the last lines with -Tail, times with -Timestamps, and ends -Follow on an exited container' {
        Invoke-ContainerImage local/busybox:1 -Name counter -Command sh, -c, 'for i in 1 2 3 4 5; do echo line$i; done' | Out-Null
        Get-ContainerLog counter | Should -Be @('line1', 'line2', 'line3', 'line4', 'line5')
        Get-Container counter | Get-ContainerLog -Tail 2 | Should -Be @('line4', 'line5')
        Get-ContainerLog counter -Tail 1 -Timestamps | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line5$'
        Get-ContainerLog counter -Since (Get-Date).AddMinutes(5) | Should -BeNullOrEmpty
        Get-ContainerLog counter -Follow | Should -HaveCount 5
    }

    It 'keeps stderr in the log too' {
        Invoke-ContainerImage local/busybox:1 -Name noisy -Command sh, -c, 'echo oops >&2' 2>$null
        Get-ContainerLog noisy | Should -Be 'oops'
    }

    It 'renames, and reports a clash' {
        New-Container local/busybox:1 -Name alpha -Command true | Out-Null
        New-Container local/busybox:1 -Name beta -Command true | Out-Null
        (Get-Container alpha | Rename-Container -NewName gamma -PassThru).Name | Should -Be 'gamma'
        (Get-Container).Name | Sort-Object | Should -Be 'beta', 'gamma'
        Rename-Container beta -NewName gamma -ErrorVariable clash -ErrorAction SilentlyContinue
        $clash[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $clash[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNameInUse,*'
        Get-Container | Should -HaveCount 2
    }

    It 'reports an unknown container to <_> as ContainerNotFound naming it' -ForEach @('Get-Container', 'Stop-Container', 'Remove-Container', 'Start-Container', 'Get-ContainerLog') {
        & $_ nosuch -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing | Should -HaveCount 1
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $missing[0].TargetObject | Should -Be 'nosuch'
    }

    It 'makes errors terminating with -ErrorAction Stop, and reports an unknown image' {
        { Get-Container nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound,ContainerTools.Cmdlets.Containers.GetContainerCommand'
        New-Container no/such:image -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'leaves no mounts under the store once every container is removed' {
        Invoke-ContainerImage local/busybox:1 -Detach -Command $server | Out-Null
        Get-Container | Remove-Container -Force
        Get-Content /proc/mounts | Where-Object { $_.Split(' ')[1].StartsWith($env:CONTAINERTOOLS_ROOT + '/') } | Should -BeNullOrEmpty
    }
}
