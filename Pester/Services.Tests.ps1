#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Services that stay up: restart policies, health checks, an init, stop signals, log rotation, coming back after a
# reboot. For pwsh 7 with Pester 5. Build first (./build.sh), then, as root:
#   Invoke-Pester ./Pester/Services.Tests.ps1 -Output Detailed
# Containers use -Network none (no host rules to leave behind); needs /bin/busybox (busybox-static) and tini-static.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore services
    New-BusyboxImage local/busybox:1 -Applets sh, sleep, echo, test, touch, rm, true, false, yes, head, cat | Out-Null
}

AfterAll {
    Exit-TestStore $store
}

Describe 'A service that stays up' {
    It 'comes back after its program is killed, counts the restart, and stays down after Stop-Container' {
        $web = Invoke-ContainerImage local/busybox:1 -Detach -Name always-up -Network none -RestartPolicy always -Command sleep, 1000
        $web.RestartPolicy | Should -Be 'always'
        kill -9 $web.Pid
        $deadline = (Get-Date).AddSeconds(30)
        while ((Get-Container always-up).RestartCount -lt 1 -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $back = Get-Container always-up
        $back.RestartCount | Should -Be 1
        $back.Status | Should -Be Running
        $back.Pid | Should -Not -Be $web.Pid

        Stop-Container always-up -Timeout 1 | Out-Null
        Start-Sleep -Milliseconds 500
        (Get-Container always-up).Status | Should -Be Exited
    }

    It 'gives up after on-failure:N restarts and keeps the last exit code' {
        $job = Invoke-ContainerImage local/busybox:1 -Detach -Name flaky -Network none -RestartPolicy on-failure:2 -Command sh, -c, 'echo try; exit 3'
        $job | Wait-Container -Timeout 60 | Should -Be 3
        (Get-Container flaky).RestartCount | Should -Be 2
        @(Get-ContainerLog flaky) | Should -Be @('try', 'try', 'try')
    }

    It 'reports its health in the status column and waits until it is healthy' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name probed -Network none -HealthCommand 'test -e /ready' -HealthInterval 300ms -HealthRetries 2 `
            -Command sh, -c, 'touch /ready; exec sleep 1000' | Wait-Container -Condition Healthy -Timeout 60
        $probed = Get-Container probed
        $probed.Health | Should -Be healthy
        [ContainerTools.Display]::Status($probed) | Should -Match '^Up .* \(healthy\)$'
        $probed.HealthLog[-1].ExitCode | Should -Be 0
        $probed.HealthLog | Format-Table | Out-String | Should -Match 'EXIT CODE'

        Invoke-ContainerCommand probed -Command rm, /ready
        $deadline = (Get-Date).AddSeconds(30)
        while ((Get-Container probed).Health -ne 'unhealthy' -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
        (Get-Container probed).Health | Should -Be unhealthy
        @(Get-ContainerEvent -Since (Get-Date).AddMinutes(-5) | Where-Object Action -like 'health_status*').Count | Should -BeGreaterOrEqual 2
    }

    It 'is not probed while paused, and with -HealthOnFailure stop stays down once unhealthy, whatever its policy' {
        $flag = Join-Path $store.Root 'flag'
        New-Item -ItemType Directory $flag | Out-Null
        New-Item -ItemType File (Join-Path $flag 'ok') | Out-Null
        Invoke-ContainerImage local/busybox:1 -Detach -Name guarded -Network none -Volume "${flag}:/flag" -Init -RestartPolicy always `
            -HealthCommand 'test -e /flag/ok' -HealthInterval 200ms -HealthRetries 2 -HealthOnFailure stop -Command sleep, 1000 |
            Wait-Container -Condition Healthy -Timeout 60
        Suspend-Container guarded | Out-Null
        Remove-Item (Join-Path $flag 'ok')   # a probe would fail now, but none runs while paused
        Start-Sleep -Seconds 2
        $paused = Get-Container guarded
        $paused.Status | Should -Be Paused
        $paused.Health | Should -Be healthy

        Resume-Container guarded | Out-Null
        Get-Container guarded | Wait-Container -Timeout 60 | Should -Be 143
        Start-Sleep -Milliseconds 500
        $stopped = Get-Container guarded
        $stopped.Status | Should -Be Exited
        $stopped.RestartCount | Should -Be 0
    }

    It 'stops with its own signal, and with -Init passes SIGTERM to a program that would ignore it as PID 1' {
        $trap = Invoke-ContainerImage local/busybox:1 -Detach -Name trapper -Network none -StopSignal SIGUSR1 -StopTimeout 30s `
            -Command sh, -c, "trap 'exit 7' USR1; echo ready; while true; do sleep 0.1; done"
        $deadline = (Get-Date).AddSeconds(30)
        while (-not (Get-ContainerLog trapper) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        (Stop-Container trapper -PassThru).ExitCode | Should -Be 7

        Invoke-ContainerImage local/busybox:1 -Detach -Name tini -Network none -Init -Command sleep, 1000 | Out-Null
        Invoke-ContainerCommand tini -Command cat, /proc/1/comm | Should -Be 'docker-init'
        (Stop-Container tini -Timeout 20 -PassThru).ExitCode | Should -Be 143
    }

    It 'keeps only -LogMaxFiles files of -LogMaxSize and still tails its log' {
        Invoke-ContainerImage local/busybox:1 -Name chatty -Network none -LogMaxSize 100KB -LogMaxFiles 2 `
            -Command sh, -c, 'yes 0123456789 | head -c 2000000; echo; echo done' | Out-Null
        $directory = Join-Path $store.Root "containers/$((Get-Container chatty).Id)"
        (Get-ChildItem $directory -Filter 'container.log*' | Measure-Object Length -Sum).Sum | Should -BeLessOrEqual 200KB
        Get-ContainerLog chatty -Tail 1 | Should -Be 'done'
    }

    It 'takes durations as TimeSpans, seconds, or Docker''s forms' {
        $transform = [ContainerTools.Cmdlets.Common.DurationTransformationAttribute]::new()
        $transform.Transform($null, 30s) | Should -Be ([timespan]::FromSeconds(30))   # unquoted 30s is an Int16 literal
        $transform.Transform($null, '500ms') | Should -Be ([timespan]::FromMilliseconds(500))
        $transform.Transform($null, '1h30m') | Should -Be ([timespan]::FromMinutes(90))
        $transform.Transform($null, '00:02:00') | Should -Be ([timespan]::FromMinutes(2))
        { New-Container local/busybox:1 -HealthCommand true -HealthInterval 'soon' -ErrorAction Stop } | Should -Throw
    }

    It 'writes a systemd unit that supervises it' {
        New-Container local/busybox:1 -Name unit -Network none -RestartPolicy unless-stopped -Command sleep, 1000 | Out-Null
        $unit = Export-ContainerSystemdUnit unit
        $unit | Should -Match 'Restart=always'
        $unit | Should -Match 'Type=forking'
        $unit | Should -Match 'PIDFile=.*/monitor.pid'
        $unit | Should -Match 'ExecStart=.*Start-Container'
    }
}
