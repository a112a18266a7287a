# Fleets: one pipeline over many hosts through PowerShell remoting over SSH (docs/fleets.md). The hosts are sshd
# instances on 127.0.0.2-.5 (Pester/FleetHosts.ps1), each with a store of its own; 127.0.0.5 starts without the module.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    . (Join-Path $PSScriptRoot 'FleetHosts.ps1')
    $script:store = Enter-TestStore 'fleet'
    $script:fleet = New-Fleet
    $script:hosts = foreach ($address in '127.0.0.2', '127.0.0.3', '127.0.0.4') { Start-FleetHost $fleet $address }
    $script:bareHost = Start-FleetHost $fleet '127.0.0.5' -WithoutModule
    $script:sessions = @($hosts | ForEach-Object { New-FleetSession $fleet $_ })
    $script:opened = [System.Collections.Generic.List[object]]::new()
    $opened.AddRange($sessions)
    # Imported up front, so a host whose import fails stops the suite here with its reason, not test after test.
    Invoke-Command -Session $sessions { Import-Module ContainerTools -ErrorAction Stop }
    # The image every host runs: New-BusyboxImage's Import-ContainerImage, sent to every host by a default -Session.
    $PSDefaultParameterValues['Import-ContainerImage:Session'] = $sessions
    New-BusyboxImage 'busybox' -Applets 'sh', 'sleep', 'echo', 'cat', 'hostname' | Out-Null
    $PSDefaultParameterValues.Remove('Import-ContainerImage:Session')
    New-BusyboxImage 'busybox' -Applets 'sh', 'sleep' | Out-Null
    function script:Table($objects) { ($objects | Format-Table | Out-String -Width 250) }
}

AfterAll {
    try { Remove-Fleet $fleet $opened } finally { Exit-TestStore $store }
}

Describe 'A fleet run' {
    It 'runs New-Container on every host and Get-Container brings each host''s containers back as ContainerTools.Container with its ComputerName' {
        New-Container -Session $sessions -Name web -Image busybox -Command sleep, 300 | Out-Null
        New-Container -Name web -Image busybox -Command sleep, 300 | Out-Null

        $containers = Get-Container -Session $sessions -Name web
        $containers | Should -HaveCount 3
        $containers | ForEach-Object { $_ | Should -BeOfType ContainerTools.Container }
        ($containers.ComputerName | Sort-Object) | Should -Be '127.0.0.2', '127.0.0.3', '127.0.0.4'
        $containers | ForEach-Object { $_.Status | Should -Be 'Created'; $_.Image | Should -Be 'busybox' }
        ($containers | Get-Member)[0].TypeName | Should -Be 'ContainerTools.Container#Fleet'
        (Get-Container -Name web).ComputerName | Should -BeNullOrEmpty
    }

    It 'shows a HOST column when the objects come from more than one host, and none for one host or this machine' {
        $table = Table (Get-Container -Session $sessions -Name web)
        $table | Should -Match 'HOST\s+CONTAINER ID'
        $table | Should -Match '127\.0\.0\.3\s+[0-9a-f]{12}\s+busybox'
        Table (Get-Container -Session $sessions[0] -Name web) | Should -Not -Match 'HOST'
        Table (Get-Container -Name web) | Should -Not -Match 'HOST'
        Table (Get-ContainerImage -Session $sessions) | Should -Match 'HOST\s+REPOSITORY'
    }

    It 'sends each piped object back to its own host, and leaves this machine''s alone' {
        # One at a time from inside ForEach-Object: a host's objects come once its session is free again.
        Get-Container -Session $sessions -Name web | ForEach-Object { $_ | Start-Container }
        Get-Container -Session $sessions -Name web | Where-Object ComputerName -EQ '127.0.0.3' | Stop-Container -Timeout 1

        $status = @{}
        Get-Container -Session $sessions -Name web | ForEach-Object { $status[$_.ComputerName] = "$($_.Status)" }
        $status['127.0.0.2'] | Should -Be 'Running'
        $status['127.0.0.3'] | Should -Be 'Exited'
        $status['127.0.0.4'] | Should -Be 'Running'

        Get-Container -Session $sessions -Status Exited | Remove-Container
        (Get-Container -Session $sessions -Name web -ErrorAction SilentlyContinue).ComputerName | Sort-Object | Should -Be '127.0.0.2', '127.0.0.4'
        (Get-Container -Name web).Status | Should -Be 'Created'
    }

    It 'runs Invoke-ContainerCommand in piped containers on their hosts; each line carries PSComputerName' {
        $lines = Get-Container -Session $sessions -Status Running | Invoke-ContainerCommand -Command sh, -c, 'echo $CT_WHERE' -Environment @{ CT_WHERE = 'here' }
        $lines | Should -HaveCount 2
        $lines | Should -Be 'here', 'here'
        ($lines.PSComputerName | Sort-Object) | Should -Be '127.0.0.2', '127.0.0.4'
    }

    It 'runs the hosts at the same time: every host''s run starts before any ends' {
        # Each run prints the kernel's uptime (one clock: the hosts share this kernel) before and after a sleep.
        $runs = Invoke-ContainerImage -Session $sessions -Image busybox -RemoveAutomatically -Command sh, -c, 'cat /proc/uptime; sleep 2; cat /proc/uptime'
        $byHost = $runs | Group-Object PSComputerName
        $byHost | Should -HaveCount 3
        $starts = $byHost | ForEach-Object { [double]($_.Group[0] -split ' ')[0] }
        $ends = $byHost | ForEach-Object { [double]($_.Group[1] -split ' ')[0] }
        ($starts | Measure-Object -Maximum).Maximum | Should -BeLessThan ($ends | Measure-Object -Minimum).Minimum
    }

    It 'runs one host at a time with -ThrottleLimit 1: no run starts before the one before has ended' {
        $runs = Invoke-ContainerImage -Session $sessions[0, 1] -ThrottleLimit 1 -Image busybox -RemoveAutomatically -Command sh, -c, 'cat /proc/uptime; sleep 1; cat /proc/uptime'
        $byHost = @($runs | Group-Object PSComputerName | Sort-Object { [double]($_.Group[0] -split ' ')[0] })
        $byHost | Should -HaveCount 2
        [double]($byHost[1].Group[0] -split ' ')[0] | Should -BeGreaterOrEqual ([double]($byHost[0].Group[1] -split ' ')[0])
    }

    It 'forwards parameters whatever their type: switches, hashtables, enums, -WhatIf' {
        New-Container -Session $sessions -Name labelled -Image busybox -Command sleep, 1 -Label @{ tier = 'edge' } -ReadOnlyRootFilesystem | Out-Null
        $labelled = Get-Container -Session $sessions -Label tier=edge -Status Created
        $labelled | Should -HaveCount 3
        $labelled | ForEach-Object { $_.Labels['tier'] | Should -Be 'edge'; $_.ReadOnlyRootFilesystem | Should -BeTrue }
        $labelled | Remove-Container -WhatIf
        Get-Container -Session $sessions -Label tier | Should -HaveCount 3
        $labelled | Remove-Container
        Get-Container -Session $sessions -Label tier | Should -HaveCount 0
    }

    It 'routes logs, file copies, images and volumes piped from a fleet run to their hosts' {
        $logged = Invoke-ContainerImage -Session $sessions[0, 1] -Image busybox -Name talker -Command sh, -c, 'hostname' -Hostname box
        $logged | Should -Be 'box', 'box'
        $lines = Get-Container -Session $sessions[0, 1] -Name talker | Get-ContainerLog
        ($lines.PSComputerName | Sort-Object) | Should -Be '127.0.0.2', '127.0.0.3'

        # Paths are the host's: these hosts share this machine's file system, so one file serves both.
        $file = Join-Path $fleet.Work 'greeting.txt'
        Set-Content $file 'hello from here'
        Get-Container -Session $sessions[0, 1] -Name talker | Copy-ContainerFile -ToContainer -Path $file -Destination /greeting.txt
        Get-Container -Session $sessions[0, 1] -Name talker | Copy-ContainerFile -Path /greeting.txt -Destination (Join-Path $fleet.Work 'back.txt')
        Get-Content (Join-Path $fleet.Work 'back.txt') | Should -Be 'hello from here'
        Get-Container -Session $sessions[0, 1] -Name talker | Remove-Container

        Add-ContainerImageTag -Session $sessions -Image busybox -Tag busybox:old
        $old = Get-ContainerImage -Session $sessions -Name busybox:old
        $old | Should -HaveCount 3
        $old | ForEach-Object { $_ | Should -BeOfType ContainerTools.ContainerImage }
        $old | Remove-ContainerImage
        Get-ContainerImage -Session $sessions -Name busybox:old -ErrorAction SilentlyContinue | Should -HaveCount 0
        Get-ContainerImage -Session $sessions -Name busybox | Should -HaveCount 3

        New-ContainerVolume -Session $sessions[1, 2] -Name data | Out-Null
        $volumes = Get-ContainerVolume -Session $sessions
        ($volumes.ComputerName | Sort-Object) | Should -Be '127.0.0.3', '127.0.0.4'
        $volumes | Remove-ContainerVolume -Confirm:$false
        Get-ContainerVolume -Session $sessions | Should -HaveCount 0
    }

    It 'names the host in a host''s own errors, and the other hosts'' results still come' {
        $found = Get-Container -Session $sessions -Name web, nothere -ErrorVariable failures -ErrorAction SilentlyContinue
        $found | Should -HaveCount 2
        # web went from 127.0.0.3 above; nothere is nowhere.
        $failures | Should -HaveCount 4
        $nowhere = $failures | Where-Object { "$_" -match 'nothere' }
        ($nowhere | ForEach-Object { ($_.ToString() -split ':')[0] } | Sort-Object) | Should -Be '127.0.0.2', '127.0.0.3', '127.0.0.4'
        $nowhere | ForEach-Object { $_.FullyQualifiedErrorId | Should -Match '^ContainerNotFound' }
    }

    It 'refuses Enter-Container and -Interactive/-Tty runs over -Session, and a host refuses to attach a -Tty container to its session' {
        Enter-Container -Session $sessions -Container web -ErrorVariable entered -ErrorAction SilentlyContinue
        $entered | Should -HaveCount 1
        $entered[0].FullyQualifiedErrorId | Should -BeLike 'NeedsLocalTerminal,*'
        $entered[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $entered[0].TargetObject | Should -Be 'web'
        "$($entered[0])" | Should -Match 'ssh -t'

        Invoke-ContainerImage -Session $sessions -Name typed -Image busybox -Interactive -Tty -Command sh -ErrorVariable ran -ErrorAction SilentlyContinue
        $ran | Should -HaveCount 1
        $ran[0].FullyQualifiedErrorId | Should -BeLike 'NeedsLocalTerminal,*'
        $ran[0].TargetObject | Should -Be 'busybox'
        # Refused before anything was sent: no host made the container.
        Get-Container -Session $sessions -Name typed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        # -Detach needs no terminal: it runs.
        Invoke-ContainerImage -Session $sessions[0] -Name typed -Image busybox -Interactive -Tty -Detach -Command sleep, 300 | Remove-Container -Force -Confirm:$false

        # Whether a container needs the terminal is known only on its host: the host refuses, before starting it.
        New-Container -Session $sessions[0] -Name tty -Image busybox -Tty -Command sh |
            Start-Container -Attach -ErrorVariable attached -ErrorAction SilentlyContinue
        $attached | Should -HaveCount 1
        $attached[0].FullyQualifiedErrorId | Should -BeLike 'NeedsLocalTerminal,*'
        "$($attached[0])" | Should -BeLike '127.0.0.2: *'
        (Get-Container -Session $sessions[0] -Name tty).Status | Should -Be 'Created'
        Remove-Container -Session $sessions[0] -Container tty -Confirm:$false
    }

    It 'asks -Confirm here, once per host, and runs only on the hosts approved' {
        New-Container -Session $sessions -Name confirmable -Image busybox -Command sleep, 1 | Out-Null
        Add-Type -TypeDefinition (Get-Content -Raw (Join-Path $PSScriptRoot 'AnsweringHost.cs'))
        $answering = [AnsweringHost]::new()
        $runspace = [runspacefactory]::CreateRunspace($answering)
        $runspace.Open()
        try {
            $remove = {
                param($module, $sessions, $confirm)
                Import-Module $module
                if ($confirm) { Remove-Container -Session $sessions -Container confirmable -Confirm }
                else { $ConfirmPreference = 'Medium'; Remove-Container -Session $sessions -Container confirmable }
            }
            $module = (Get-Module ContainerTools).Path
            'No', 'Yes', 'Yes' | ForEach-Object { $answering.Answers.Choices.Enqueue($_) }
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $ps.AddScript($remove).AddArgument($module).AddArgument($sessions).AddArgument($true).Invoke() | Out-Null
            $ps.Streams.Error | Should -BeNullOrEmpty
            $answering.Answers.Asked | Should -HaveCount 3
            $answering.Answers.Asked[0] | Should -BeLike '*"Remove-Container"*"confirmable on 127.0.0.2"*'
            $answering.Answers.Asked[2] | Should -BeLike '*"confirmable on 127.0.0.4"*'
            (Get-Container -Session $sessions -Name confirmable -ErrorAction SilentlyContinue).ComputerName | Should -Be '127.0.0.2'

            # $ConfirmPreference asks as -Confirm does; Yes to All answers for every host that follows.
            New-Container -Session $sessions[1] -Name confirmable -Image busybox -Command sleep, 1 | Out-Null
            $answering.Answers.Asked.Clear()
            $answering.Answers.Choices.Enqueue('Yes to All')
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            $ps.AddScript($remove).AddArgument($module).AddArgument($sessions[0, 1]).AddArgument($false).Invoke() | Out-Null
            $ps.Streams.Error | Should -BeNullOrEmpty
            $answering.Answers.Asked | Should -HaveCount 1
            Get-Container -Session $sessions -Name confirmable -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            $runspace.Dispose()
            Remove-Container -Session $sessions -Container confirmable -Force -Confirm:$false -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Hosts of a fleet' {
    It 'reports a host without the module by name, gives the other hosts'' results, and stops with -ErrorAction Stop' {
        $bare = New-FleetSession $fleet $bareHost
        $opened.Add($bare)
        $found = Get-Container -Session ($sessions + $bare) -Name web -ErrorVariable failures -ErrorAction SilentlyContinue
        $found | Should -HaveCount 2
        $failures | Should -HaveCount 2 # and web is not on 127.0.0.3
        $bareFailure = $failures | Where-Object FullyQualifiedErrorId -Like 'FleetHostFailed,*'
        $bareFailure.TargetObject | Should -Be '127.0.0.5'
        "$bareFailure" | Should -Match '^127\.0\.0\.5: ContainerTools is not installed there'
        { Get-Container -Session $bare -ErrorAction Stop } | Should -Throw '127.0.0.5: ContainerTools is not installed there*'
    }

    It 'describes every host with Get-ContainerHost, and warns about a host whose ContainerTools is another version' {
        $described = Get-ContainerHost -Session $sessions
        $described | Should -HaveCount 3
        $described | ForEach-Object { $_ | Should -BeOfType ContainerTools.ContainerHost }
        $described | ForEach-Object {
            $fleetHost = $hosts | Where-Object Address -EQ $_.ComputerName
            $_.StorePath | Should -Be $fleetHost.Store
            $_.Version | Should -Be (Get-Module ContainerTools).Version.ToString()
            $_.Kernel | Should -Be (Get-Content /proc/sys/kernel/osrelease)
            $_.Images | Should -Be 1
        }
        ($described | Where-Object ComputerName -EQ '127.0.0.2').Running | Should -Be 1

        # An older ContainerTools in the bare host's own module path.
        $old = Join-Path $bareHost.Home '.local/share/powershell/Modules/ContainerTools/0.0.9'
        Copy-Item (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/ContainerTools') $old -Recurse
        (Get-Content (Join-Path $old 'ContainerTools.psd1') -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '0.0.9'" | Set-Content (Join-Path $old 'ContainerTools.psd1')
        $outdated = New-FleetSession $fleet $bareHost
        $opened.Add($outdated)
        $old = Get-ContainerHost -Session $outdated -WarningVariable warnings -WarningAction SilentlyContinue
        $old.Version | Should -Be '0.0.9'
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match '^127\.0\.0\.5 runs ContainerTools 0\.0\.9; this session runs 0\.1\.0'
    }

    It 'installs this version with Install-ContainerTools -Session, after which the host runs the fleet''s commands' {
        $fresh = New-FleetSession $fleet $bareHost
        $opened.Add($fresh)
        $installed = Install-ContainerTools -Session $fresh
        $installed.ComputerName | Should -Be '127.0.0.5'
        $installed.Version | Should -Be '0.1.0'
        $installed.Copied | Should -BeTrue
        $installed.Path | Should -Be (Join-Path $bareHost.Home '.local/share/powershell/Modules/ContainerTools/0.1.0')
        Test-Path (Join-Path $installed.Path 'ctmon') | Should -BeTrue
        (Get-Item (Join-Path $installed.Path 'ctmon')).UnixMode | Should -Match '^-rwx'

        (Install-ContainerTools -Session $fresh).Copied | Should -BeFalse
        (Get-ContainerHost -Session $fresh -WarningVariable warnings).Version | Should -Be '0.1.0'
        $warnings | Should -HaveCount 0
        Invoke-ContainerImage -Session $fresh -Image busybox -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        "$failures" | Should -Match '^127\.0\.0\.5: .*busybox'
    }

    It 'leaves nothing of a fleet behind: sshd stopped, its sessions closed, its stores gone' {
        $small = New-Fleet
        $smallHost = Start-FleetHost $small '127.0.0.6'
        $smallSession = New-FleetSession $small $smallHost
        New-Container -Session $smallSession -Image busybox -Name left -Command sleep, 1 -ErrorAction SilentlyContinue | Out-Null
        Remove-Fleet $small $smallSession
        $smallHost.Process.HasExited | Should -BeTrue
        $smallSession.State | Should -Not -Be 'Opened'
        Test-Path $small.Work | Should -BeFalse
        Test-FleetPort '127.0.0.6' $smallHost.Port | Should -BeFalse
    }

    It 'reports a host killed mid-way by name; the hosts still up finish their work' {
        $victim = $hosts | Where-Object Address -EQ '127.0.0.4'
        # A separate pwsh kills the host's sshd with its sessions (the process tree) once the run's container exists there.
        $containers = Join-Path $victim.Store 'containers'
        $before = @(Get-ChildItem $containers -Directory -ErrorAction SilentlyContinue).Count
        $ready = Join-Path $fleet.Work 'killer-ready'
        $killer = Start-Process -FilePath (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/pwsh/pwsh') -PassThru -ArgumentList '-NoProfile', '-Command', @"
Set-Content '$ready' ready
`$deadline = [DateTime]::UtcNow.AddSeconds(60)
while (@(Get-ChildItem '$containers' -Directory -ErrorAction SilentlyContinue).Count -le $before) { if ([DateTime]::UtcNow -gt `$deadline) { exit 1 }; Start-Sleep -Milliseconds 50 }
Start-Sleep -Milliseconds 500
(Get-Process -Id $($victim.Process.Id)).Kill(`$true)
"@
        while (-not (Test-Path $ready)) { Start-Sleep -Milliseconds 50 }
        $lines = Invoke-ContainerImage -Session $sessions -Image busybox -RemoveAutomatically -Command sh, -c, 'echo started; sleep 6; echo finished' -ErrorVariable failures -ErrorAction SilentlyContinue
        $killer.WaitForExit(90000) | Should -BeTrue
        $killer.ExitCode | Should -Be 0 -Because 'the run''s container appeared on 127.0.0.4 and the host was killed'
        ($lines | Where-Object { "$_" -eq 'finished' }).PSComputerName | Sort-Object | Should -Be '127.0.0.2', '127.0.0.3'
        $lines | Where-Object PSComputerName -EQ '127.0.0.4' | ForEach-Object { "$_" } | Should -Not -Contain 'finished'
        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -Be '127.0.0.4'

        $later = Get-Container -Session $sessions -Name web -ErrorVariable failures -ErrorAction SilentlyContinue
        $later.ComputerName | Should -Be '127.0.0.2'
        ($failures | Where-Object FullyQualifiedErrorId -Like 'FleetHostFailed,*').TargetObject | Should -Be '127.0.0.4'
    }
}
