#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Confinement as a user meets it (issue 12), for pwsh 7 with Pester 5. Build first (./build.sh), then, as root:
#   Invoke-Pester ./Pester/ContainerSecurity.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image and the host's
# /dev/fuse for -Device.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'security'
    New-BusyboxImage local/busybox:1 -Applets sh, true, mknod, ls | Out-Null
}

AfterAll {
    Exit-TestStore $store
}

Describe 'Devices' {
    AfterEach {
        Get-Container | Remove-Container -Force
    }

    It 'lets a container make a device node but not open it' {
        $output = Invoke-ContainerImage local/busybox:1 -Command sh, -c, 'mknod /dev/lp0 b 7 0 && echo made; true < /dev/lp0 2>&1 || echo refused' 2>&1
        $output | Should -Contain 'made'
        $output | Should -Contain 'refused'
        ($output -join "`n") | Should -Match 'Operation not permitted'
    }

    It 'opens the standard nodes' {
        Invoke-ContainerImage local/busybox:1 -Command sh, -c, 'true < /dev/null && true < /dev/zero && true < /dev/urandom && true <> /dev/ptmx && echo opened' |
            Should -Be 'opened'
    }

    It 'gives a host device with -Device, with the permissions asked for' {
        Invoke-ContainerImage local/busybox:1 -Device /dev/fuse:/dev/fuse:r -Command sh, -c, 'true < /dev/fuse && echo read; true 2>/dev/null <> /dev/fuse || echo no-write' |
            Should -Be 'read', 'no-write'
        (New-Container local/busybox:1 -Device /dev/fuse -Command true).Devices | Should -Be '/dev/fuse:/dev/fuse:rwm'
    }

    It 'refuses a device that does not exist when the container is created' {
        { New-Container local/busybox:1 -Device /dev/no-such-device -Command true -ErrorAction Stop } |
            Should -Throw -ErrorId 'DeviceNotFound*'
        Get-Container | Should -BeNullOrEmpty
    }

    It 'opens every host device with -Privileged' {
        Invoke-ContainerImage local/busybox:1 -Privileged -Command sh, -c, 'true < /dev/loop0 && echo opened' | Should -Be 'opened'
    }
}
