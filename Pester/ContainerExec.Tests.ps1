#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Working inside running containers: Invoke-ContainerCommand, Start-ContainerProcess, Get-ContainerProcess. For pwsh 7
# with Pester 5. Build first (./build.sh), then, as root (containers need namespaces, mounts and cgroups):
#   Invoke-Pester ./Pester/ContainerExec.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image.

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
        $status | Should -Be "CapEff:`t00000000a80425fb", "NoNewPrivs:`t1"
    }

    It 'sends piped strings to stdin' {
        'a', 'b' | Invoke-ContainerCommand web -Command cat | Should -Be 'a', 'b'
        'a', 'b' | Invoke-ContainerCommand web -Command sort, -r | Should -Be 'b', 'a'
    }

    It 'fans out over piped containers' {
        Invoke-ContainerImage local/busybox:1 -Detach -Name web2 -Hostname web2-host -Label @{ role = 'web' } -Command sleep, 300 | Out-Null
        Get-Container -Label role=web | Invoke-ContainerCommand -Command hostname | Sort-Object | Should -Be 'web-host', 'web2-host'
    }

    It 'writes stderr as errors and a non-zero exit as ContainerCommandFailed with $LASTEXITCODE' {
        $out = Invoke-ContainerCommand web -Command sh, -c, 'echo out; echo err >&2; exit 4' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -Be 'out'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStderr,*'
        $errs[1].FullyQualifiedErrorId | Should -BeLike 'ContainerCommandFailed,*'
        $errs[1].Exception.ExitCode | Should -Be 4
        $LASTEXITCODE | Should -Be 4
    }

    It 'takes a user, a working directory and environment variables' {
        Invoke-ContainerCommand web -User nobody -WorkingDirectory /tmp -Environment @{ ANSWER = 42 } -Command sh, -c, 'id -u; pwd; echo $ANSWER' |
            Should -Be '65534', '/tmp', '42'
    }

    It 'refuses a container that is not running' {
        New-Container local/busybox:1 -Name idle -Command true | Out-Null
        { Invoke-ContainerCommand idle -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotRunning,*'
    }

    It 'reports a program that does not exist' {
        { Invoke-ContainerCommand web -Command no-such-program -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerExecFailed,*'
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
        $processes[1].Pid | Should -Be $started.Pid
        $processes[1].User | Should -Be 'nobody'
        $processes[1].Command | Should -Be 'sleep', '301'
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

    It 'refuses to run without a terminal instead of hanging' {
        # Pester runs with its input redirected: no terminal to put in raw mode.
        { Enter-Container web -ErrorAction Stop } | Should -Throw -ErrorId 'NotATerminal,*'
    }

    It 'does not start an -Interactive -Tty container it cannot attach a terminal to' {
        New-Container local/busybox:1 -Name shell -Interactive -Tty -Command sh | Out-Null
        { Start-Container shell -Attach -ErrorAction Stop } | Should -Throw -ErrorId 'NotATerminal,*'
        (Get-Container shell).Status | Should -Be 'Created'
    }
}
