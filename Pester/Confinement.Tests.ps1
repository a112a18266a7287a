#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Confinement as a user meets it (issue 12): Docker's seccomp filter, capabilities, security options, ulimits,
# sysctls, OOM score, /dev/shm size and extra groups. For pwsh 7 with Pester 5. Build first (./build.sh), then, as root:
#   Invoke-Pester ./Pester/Confinement.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image and libseccomp2.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'confinement'
    New-BusyboxImage local/busybox:1 -Applets sh, grep, cat, mkdir, unshare, chown, true -Files @{ 'etc/group' = "root:x:0:`nstaff:x:50:" } | Out-Null
    function script:Run([string] $Script, [hashtable] $Options = @{}) {
        Invoke-ContainerImage local/busybox:1 -RemoveAutomatically -Network none @Options -Command sh, -c, $Script
    }
    function script:Status([string[]] $Lines, [string] $Field) {
        (($Lines | Where-Object { $_ -like "${Field}:*" }) -replace "^${Field}:\s*", '').Trim()
    }
}

AfterAll {
    Exit-TestStore $store
}

Describe 'Seccomp' {
    It 'filters every container with Docker''s default profile' {
        $lines = Run 'grep ^Seccomp: /proc/self/status; unshare -U true 2>&1 || echo refused'
        Status $lines 'Seccomp' | Should -Be '2'
        $lines | Should -Contain 'refused'
        ($lines -join "`n") | Should -Match 'Operation not permitted'
    }

    It 'runs without a filter with -SecurityOption seccomp=unconfined' {
        $lines = Run 'grep ^Seccomp: /proc/self/status; unshare -U true && echo user-namespace' @{ SecurityOption = 'seccomp=unconfined' }
        Status $lines 'Seccomp' | Should -Be '0'
        $lines | Should -Contain 'user-namespace'
    }

    It 'applies a profile of one''s own, with its errno' {
        $profile = Join-Path $store.Work 'deny-mkdir.json'
        Set-Content $profile '{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13 } ] }'
        $lines = Run 'mkdir /tmp/x 2>&1; echo rc=$?' @{ SecurityOption = "seccomp=$profile" }
        $lines | Should -Contain 'rc=1'
        ($lines -join "`n") | Should -Match 'Permission denied'
        (New-Container local/busybox:1 -SecurityOption "seccomp=$profile" -Command true).Seccomp | Should -Be $profile
        Push-Location $store.Work
        try { (New-Container local/busybox:1 -SecurityOption 'seccomp=deny-mkdir.json' -Command true).Seccomp | Should -Be $profile }
        finally { Pop-Location }
    }

    It 'refuses a malformed profile when the container is created' {
        $profile = Join-Path $store.Work 'bad.json'
        Set-Content $profile '{ "defaultAction": "SCMP_ACT_SOMETIMES" }'
        { New-Container local/busybox:1 -SecurityOption "seccomp=$profile" -Command true -ErrorAction Stop } |
            Should -Throw -ErrorId 'SeccompProfileInvalid*'
        { New-Container local/busybox:1 -SecurityOption 'apparmor=docker-default' -Command true -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidSecurityOption*'
    }

    AfterEach { Get-Container | Remove-Container -Force }
}

Describe 'Capabilities and privileges' {
    AfterEach { Get-Container | Remove-Container -Force }

    It 'gives Docker''s capabilities and no no_new_privs by default' {
        $lines = Run 'grep -E "^(CapEff|CapBnd|CapInh|CapAmb|NoNewPrivs):" /proc/self/status'
        Status $lines 'CapEff' | Should -Be '00000000a80425fb'
        Status $lines 'CapBnd' | Should -Be '00000000a80425fb'
        Status $lines 'CapInh' | Should -Be '0000000000000000'
        Status $lines 'NoNewPrivs' | Should -Be '0'
    }

    It 'adds and drops capabilities, with or without CAP_, and ALL' {
        Status (Run 'grep ^CapEff: /proc/self/status' @{ CapabilityAdd = 'net_admin'; CapabilityDrop = 'CAP_MKNOD' }) 'CapEff' |
            Should -Be '00000000a00435fb'
        $lines = Run 'grep ^CapEff: /proc/self/status; chown 1 /tmp 2>/dev/null || echo no-chown' @{ CapabilityDrop = 'ALL'; CapabilityAdd = 'KILL' }
        Status $lines 'CapEff' | Should -Be '0000000000000020'
        $lines | Should -Contain 'no-chown'
        $container = New-Container local/busybox:1 -CapabilityAdd SYS_ADMIN -Command true
        $container.Capabilities | Should -Contain 'CAP_SYS_ADMIN'
        $container.CapabilityAdd | Should -Be 'CAP_SYS_ADMIN'
        { New-Container local/busybox:1 -CapabilityAdd FLY -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidCapability*'
    }

    It 'sets no_new_privs with -SecurityOption no-new-privileges' {
        Status (Run 'grep ^NoNewPrivs: /proc/self/status' @{ SecurityOption = 'no-new-privileges' }) 'NoNewPrivs' | Should -Be '1'
        (New-Container local/busybox:1 -SecurityOption 'no-new-privileges=true' -Command true).NoNewPrivileges | Should -BeTrue
    }

    It 'lifts the filter, the masked paths and read-only /proc/sys with -Privileged' {
        $lines = Run 'grep ^Seccomp: /proc/self/status; grep -c " /proc/kcore " /proc/self/mountinfo; echo ct > /proc/sys/kernel/domainname && echo domainname-set' @{ Privileged = $true }
        Status $lines 'Seccomp' | Should -Be '0'
        $lines | Should -Contain '0'
        $lines | Should -Contain 'domainname-set'
        (New-Container local/busybox:1 -Privileged -Command true).Seccomp | Should -Be 'unconfined'
    }
}

Describe 'Limits, kernel parameters and groups' {
    AfterEach { Get-Container | Remove-Container -Force }

    It 'applies -Ulimit, -Sysctl, -OomScoreAdjust, -ShmSize and -GroupAdd' {
        $options = @{ Ulimit = 'nofile=1024:2048'; Sysctl = 'net.ipv4.ip_unprivileged_port_start=0'; OomScoreAdjust = 300; ShmSize = 128MB; GroupAdd = 'staff', '10' }
        $lines = Run 'echo nofile=$(ulimit -n):$(ulimit -Hn); cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/self/oom_score_adj; grep " /dev/shm " /proc/mounts; grep ^Groups: /proc/self/status' $options
        $lines | Should -Contain 'nofile=1024:2048'
        $lines | Should -Contain '0'
        $lines | Should -Contain '300'
        ($lines -join "`n") | Should -Match 'size=131072k'
        Status $lines 'Groups' | Should -Be '10 50'
    }

    It 'shows what applies on the container object' {
        $container = New-Container local/busybox:1 -Ulimit nofile=1024:2048 -Sysctl kernel.shmmax=1000000 -OomScoreAdjust 100 -ShmSize 1GB -GroupAdd staff -Command true
        $container.Ulimits | Should -Be 'nofile=1024:2048'
        $container.Sysctls['kernel.shmmax'] | Should -Be '1000000'
        $container.OomScoreAdjust | Should -Be 100
        $container.ShmSize | Should -Be 1GB
        $container.GroupAdd | Should -Be 'staff'
        ($container | Format-List | Out-String) | Should -Match 'Seccomp\s+: default'
    }

    It 'refuses a sysctl that is not namespaced, as Docker does' {
        { New-Container local/busybox:1 -Sysctl kernel.hostname=x -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSysctl*'
        { New-Container local/busybox:1 -Network host -Sysctl net.ipv4.ip_forward=1 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSysctl*'
        { New-Container local/busybox:1 -Ulimit nofile=10:5 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidUlimit*'
        Get-Container | Should -BeNullOrEmpty
    }
}

Describe 'User namespaces' {
    BeforeAll {
        New-BusyboxImage local/userns:1 -Applets sh, cat, id, touch, ls, sleep -Files @{ 'etc/group' = "root:x:0:`nstaff:x:50:root" } | Out-Null
        # The container's root is an unprivileged uid on the host: it must be able to pass through to the store (the
        # default store, /var/lib/containertools, is; a temp directory is 0700) and to a bind mount's source.
        chmod 0711 $store.Work
        $script:shared = Join-Path $store.Work 'shared'
        New-Item -ItemType Directory $shared | Out-Null
        chmod 0777 $shared
    }
    AfterEach { Get-Container | Remove-Container -Force }

    It 'gives -UserNamespace auto a range of host ids of its own: root inside, unprivileged outside' {
        $lines = Invoke-ContainerImage local/userns:1 -RemoveAutomatically -Network none -UserNamespace auto -Volume "${shared}:/shared" -Command sh, -c, 'cat /proc/self/uid_map; id -u; touch /shared/by-root; ls -ln /bin/busybox'
        $hostId = ($lines[0] -split '\s+' | Where-Object { $_ })[1]
        $hostId | Should -Not -Be '0'
        $lines[1] | Should -Be '0'
        (& stat -c '%u' (Join-Path $shared 'by-root')) | Should -Be $hostId
        # The image's files are still root's inside: the layers are idmapped, not copied.
        ($lines[2] -split '\s+')[2] | Should -Be '0'
    }

    It 'never gives two containers the same ids, and shows the maps on the container' {
        $first = New-Container local/userns:1 -UserNamespace auto -Command true
        $second = New-Container local/userns:1 -UserNamespace auto:size=1000 -Command true
        $first.UserNamespace | Should -Be 'auto'
        $second.UidMap | Should -Match '^0:\d+:1000$'
        $first.UidMap | Should -Not -Be ($second.UidMap -replace ':1000$', ':65536')
        $explicit = New-Container local/userns:1 -UidMap 0:300000:65536 -Command true
        $explicit.UserNamespace | Should -Be 'private'
        $explicit.GidMap | Should -Be '0:300000:65536'
    }

    It 'runs exec in the container''s user namespace' {
        $container = Invoke-ContainerImage local/userns:1 -Detach -Network none -UserNamespace auto -Command sleep, 60
        $map = Invoke-ContainerCommand $container -Command cat, /proc/self/uid_map
        ($map -split '\s+' | Where-Object { $_ })[1] | Should -Be ($container.UidMap -split ':')[1]
    }

    It 'refuses maps and modes it cannot use' {
        { New-Container local/userns:1 -UidMap 0:nope:10 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidIdMapping*'
        { New-Container local/userns:1 -UidMap 1:100000:10 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidIdMapping*'
        { New-Container local/userns:1 -UserNamespace auto -UidMap 0:100000:10 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidUserNamespace*'
        { New-Container local/userns:1 -UserNamespace keep-it-simple -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidUserNamespace*'
        Get-Container | Should -BeNullOrEmpty
    }

    It 'gives the image''s user the groups /etc/group lists it in, as Docker does' {
        $lines = Invoke-ContainerImage local/userns:1 -RemoveAutomatically -Network none -Command id
        $lines | Should -Match 'groups=50\(staff\)'
    }
}
