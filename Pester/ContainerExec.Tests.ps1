#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Working inside running containers: Invoke-ContainerCommand, Start-ContainerProcess, Get-ContainerProcess, and the
# terminal cmdlets without a terminal (the terminal itself: tests/.../Module/EnterContainerTmuxTests). For pwsh 7
# with Pester 5. Build first (./build.sh), then, as root (containers need namespaces, mounts and cgroups):
#   Invoke-Pester ./Pester/ContainerExec.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image. The stories of
# the terminal cmdlets without a terminal need a pwsh whose standard input is not one (scripts/test.sh gives it
# /dev/null: `out/pwsh/pwsh -c 'Invoke-Pester ./Pester/ContainerExec.Tests.ps1' < /dev/null`); at a terminal they are
# skipped, since they would attach to it.

BeforeDiscovery {
    $script:atTerminal = -not [Console]::IsInputRedirected
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'exec'
    New-BusyboxImage local/busybox:1 -Applets sh, echo, sleep, cat, hostname, true, pwd, id, sort, grep, tr -Files @{
        'etc/passwd' = 'root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/:/bin/sh'
        'etc/group'  = 'root:x:0:', 'nogroup:x:65534:'
    } | Out-Null
}

AfterAll {
    # The containers ran on the default bridge network, made on first use: it goes with the store.
    Exit-TestStore $store
}

Describe 'Invoke-ContainerCommand' {
    BeforeEach {
        Invoke-ContainerImage local/busybox:1 -Detach -Name web -Hostname web-host -Label @{ role = 'web' } -Command sleep, 300 | Out-Null
    }
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'runs in the container''s pid and uts namespaces' {
        Invoke-ContainerCommand web -Command hostname | Should -Be 'web-host'
        Invoke-ContainerCommand web -Command sh, -c, 'tr "\0" " " < /proc/1/cmdline' | Should -Be 'sleep 300 '
        [int](Invoke-ContainerCommand web -Command sh, -c, 'echo $$') | Should -BeLessThan 50
        $LASTEXITCODE | Should -Be 0
    }

    It 'has the container''s capabilities and no_new_privs' {
        $status = Invoke-ContainerCommand web -Command grep, -E, '^(CapEff|NoNewPrivs)', /proc/self/status
        $status | Should -Be "CapEff:`t00000000a80425fb", "NoNewPrivs:`t0"
    }

    It 'sends piped strings to stdin, or -InputObject' {
        'a', 'b' | Invoke-ContainerCommand web -Command cat | Should -Be 'a', 'b'
        'a', 'b', 1 | Invoke-ContainerCommand web -Command sort, -r | Should -Be 'b', 'a', '1'
        Invoke-ContainerCommand web -Command cat -InputObject x, y | Should -Be 'x', 'y'
    }

    It 'fans out over piped containers, each with the same -InputObject' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name web2 -Hostname web2-host -Label @{ role = 'web' } -Command sleep, 300 | Out-Null
        Get-Container -Label role=web | Invoke-ContainerCommand -Command hostname | Sort-Object | Should -Be 'web-host', 'web2-host'
        Get-Container -Label role=web | Invoke-ContainerCommand -Command cat -InputObject z | Should -Be 'z', 'z'
    }

    It 'writes stderr as errors and a non-zero exit as ContainerCommandFailed with $LASTEXITCODE' {
        $out = Invoke-ContainerCommand web -Command sh, -c, 'echo out; echo err >&2; exit 4' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -Be 'out'
        $errs | Should -HaveCount 2
        $errs[0].FullyQualifiedErrorId | Should -Be 'ContainerStderr,ContainerTools.Cmdlets.Containers.InvokeContainerCommandCommand'
        $errs[0].Exception.Message | Should -Be 'err'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'ContainerCommandFailed,*'
        $errs[1].Exception.GetType().Name | Should -Be 'ContainerCommandFailedException'
        $errs[1].Exception.ExitCode | Should -Be 4
        $LASTEXITCODE | Should -Be 4
    }

    It 'runs as the container''s user, in its directory, with its environment, unless told otherwise' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name configured -Environment @{ FROM_RUN = 'yes' } -Command sleep, 300 | Out-Null
        Invoke-ContainerCommand configured -Command sh, -c, 'id -u; pwd; echo $FROM_RUN' | Should -Be '0', '/', 'yes'
        Invoke-ContainerCommand configured -User nobody -WorkingDirectory /tmp -Environment @{ ANSWER = 42 } -Command sh, -c, 'id -u; pwd; echo $FROM_RUN $ANSWER' |
            Should -Be '65534', '/tmp', 'yes 42'
    }

    It 'refuses a container that is not running, with $LASTEXITCODE 125' {
        New-Container local/busybox:1 -Name idle -Command true | Out-Null
        Invoke-ContainerCommand idle -Command true -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $LASTEXITCODE | Should -Be 125
    }

    It 'reports a program that does not exist as ObjectNotFound, with $LASTEXITCODE 127' {
        Invoke-ContainerCommand web -Command no-such-program -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing | Should -HaveCount 1
        $missing[0].FullyQualifiedErrorId | Should -BeLike 'ContainerExecFailed,*'
        $missing[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $LASTEXITCODE | Should -Be 127
    }
}

Describe 'Start-ContainerProcess and Get-ContainerProcess' {
    BeforeEach {
        Invoke-ContainerImage local/busybox:1 -Detach -Name web -Command sleep, 300 | Out-Null
    }
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'starts a background process that Get-ContainerProcess lists with both pids' {
        $started = Start-ContainerProcess web -User nobody -Command sleep, 301
        $started.Pid | Should -Not -Be $started.ContainerPid
        $processes = Get-ContainerProcess web
        $processes.Count | Should -Be 2
        $processes[0].ContainerPid | Should -Be 1
        $processes[0].User | Should -Be 'root'
        $processes[1].Pid | Should -Be $started.Pid
        $processes[1].ContainerPid | Should -Be $started.ContainerPid
        $processes[1].User | Should -Be 'nobody'
        $processes[1].Command | Should -Be 'sleep', '301'
        # The host's /proc agrees: the same process, with its pid in the container's namespace last.
        (Get-Content "/proc/$($started.Pid)/status" | Where-Object { $_ -like 'NSpid:*' }) -split '\s+' |
            Select-Object -Skip 1 | Should -Be "$($started.Pid)", "$($started.ContainerPid)"
    }

    It 'refuses a paused container' {
        Suspend-Container web
        { Start-ContainerProcess web -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerPaused,*'
        Resume-Container web
    }
}

Describe 'Enter-Container and Start-Container -Attach on a terminal' {
    BeforeEach {
        Invoke-ContainerImage local/busybox:1 -Detach -Name web -Command sleep, 300 | Out-Null
    }
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'refuses to run without a terminal instead of hanging, and leaves no shell behind' -Skip:$atTerminal {
        Enter-Container web -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'NotATerminal,ContainerTools.Cmdlets.Containers.EnterContainerCommand'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $refused[0].Exception.Message | Should -Match 'standard input is not one'
        @(Get-ContainerProcess web) | Should -HaveCount 1
    }

    It 'does not start an -Interactive -Tty container it cannot attach a terminal to' -Skip:$atTerminal {
        New-Container local/busybox:1 -Name shell -Interactive -Tty -Command sh | Out-Null
        { Start-Container shell -Attach -ErrorAction Stop } | Should -Throw -ErrorId 'NotATerminal,ContainerTools.Cmdlets.Containers.StartContainerCommand'
        (Get-Container shell).Status | Should -Be 'Created'
    }

    It 'does not create an -Interactive -Tty container with Invoke-ContainerImage, and sets $LASTEXITCODE 125' -Skip:$atTerminal {
        Invoke-ContainerImage local/busybox:1 -Name it -Interactive -Tty -Command sh -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'NotATerminal,ContainerTools.Cmdlets.Containers.InvokeContainerImageCommand'
        $LASTEXITCODE | Should -Be 125
        (Get-Container).Name | Should -Be 'web'
    }

    It 'attaches to a -Tty container without -Interactive: no stdin to forward, so no terminal needed' {
        New-Container local/busybox:1 -Name talker -Tty -Command sh, -c, 'tty; exit 3' | Out-Null
        Start-Container talker -Attach
        $LASTEXITCODE | Should -Be 3
        (Get-ContainerLog talker) -join "`n" | Should -Match '/dev/pts/0'
    }

    It 'runs Invoke-ContainerImage -Tty on the container''s pty and sets the exit code' {
        Invoke-ContainerImage local/busybox:1 -Name talker -Tty -RemoveAutomatically -Command sh, -c, 'tty; exit 5'
        $LASTEXITCODE | Should -Be 5
        (Get-Container).Name | Should -Be 'web'
    }
}
