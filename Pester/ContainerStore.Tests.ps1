#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Reset-ContainerStore's user stories, for pwsh 7 with Pester 5. Build first (./build.sh), then, as root (containers
# need namespaces, mounts, cgroups, bridges and iptables):
#   Invoke-Pester ./Pester/ContainerStore.Tests.ps1 -Output Detailed
# Each story works in stores of its own under a temp directory and looks only at the host objects of those stores
# (other programs may be changing the host at the same time); needs /bin/busybox (busybox-static) for its image.

BeforeAll {
    $repository = Split-Path -Parent $PSScriptRoot
    Import-Module (Join-Path $repository 'out/ContainerTools') -Force -ErrorAction Stop

    $script:work = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "ct-pester-store-$([guid]::NewGuid().ToString('N'))")).FullName
    $script:previousRoot = $env:CONTAINERTOOLS_ROOT
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:cniBefore = Get-CniScaffolding

    # A store with what a user has after an afternoon: an image, a volume, a network, and a web server on it with a
    # published port. Returns the store's path.
    function script:New-BusyStore([string] $Name) {
        $env:CONTAINERTOOLS_ROOT = Join-Path $work $Name
        New-BusyboxImage local/busybox:1 -Applets sh, echo, mkdir, httpd | Out-Null
        New-ContainerVolume -Name data | Out-Null
        $subnet = "10.$(Get-Random -Minimum 200 -Maximum 208).$(Get-Random -Minimum 0 -Maximum 256).0/24"
        New-ContainerNetwork -Name front -Subnet $subnet | Out-Null
        Invoke-ContainerImage local/busybox:1 -Detach -Name web -Network front -Publish 127.0.0.1::8080 -Volume data:/data `
            -Command sh, -c, 'mkdir -p /www && echo hi > /www/index.html && exec httpd -f -p 8080 -h /www' | Out-Null
        $env:CONTAINERTOOLS_ROOT
    }

    # What a store has on the host, seen from the host's side: its bridge, the iptables lines that name the bridge or
    # the container, mounts under the store, and processes whose command line names the store.
    function script:Get-HostFootprint([string] $Store, [string] $Bridge, [string] $ContainerId) {
        $id = $Bridge.Substring(3)
        @(
            (ip -o link show 2>$null) -match ": $Bridge[:@]" | ForEach-Object { "link $Bridge" }
            (iptables-save) -match "$id|$ContainerId" | ForEach-Object { "iptables $_" }
            (Get-Content /proc/self/mountinfo) | ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_.StartsWith("$Store/") } | ForEach-Object { "mount $_" }
            Get-ChildItem /proc -Directory | Where-Object Name -match '^\d+$' | ForEach-Object {
                $commandLine = Get-Content -Raw -LiteralPath "$($_.FullName)/cmdline" -ErrorAction SilentlyContinue
                if ($commandLine -and $commandLine.Contains("$Store/")) { "process $($_.Name)" }
            }
        )
    }
}

AfterAll {
    foreach ($store in Get-ChildItem -Directory -LiteralPath $work) {
        $env:CONTAINERTOOLS_ROOT = $store.FullName
        Reset-ContainerStore -Force -ErrorAction SilentlyContinue
    }
    Reset-ContainerStore -Orphaned -StorePath "$work/*" -Force -ErrorAction SilentlyContinue
    $env:CONTAINERTOOLS_ROOT = $previousRoot
    Remove-Module ContainerTools -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    Remove-CniScaffolding -Before $cniBefore
}

Describe 'Reset-ContainerStore' {
    It 'empties a store and leaves none of its bridges, rules, mounts or processes on the host' {
        $store = New-BusyStore 'reset'
        $bridge = (Get-ContainerNetwork front).Bridge
        $id = (Get-Container web).Id
        $footprint = Get-HostFootprint $store $bridge $id
        $footprint | Where-Object { $_ -like 'link *' } | Should -HaveCount 1
        $footprint | Where-Object { $_ -like 'iptables *CNI-DN-*' } | Should -Not -BeNullOrEmpty
        $footprint | Where-Object { $_ -like 'mount *' } | Should -Not -BeNullOrEmpty
        $footprint | Where-Object { $_ -like 'process *' } | Should -Not -BeNullOrEmpty

        Reset-ContainerStore -WhatIf
        (Get-Container web).Status | Should -Be 'Running'

        $removed = Reset-ContainerStore -Force -PassThru
        $removed.Containers | Should -Be @('web')
        $removed.Networks | Should -Be @('front')
        $removed.Volumes | Should -Be @('data')
        $removed.Images | Should -HaveCount 1
        Get-Container | Should -BeNullOrEmpty
        Get-ContainerImage | Should -BeNullOrEmpty
        Get-ContainerNetwork | Should -BeNullOrEmpty
        Get-ContainerVolume | Should -BeNullOrEmpty
        Get-HostFootprint $store $bridge $id | Should -BeNullOrEmpty
    }

    It 'removes with -Orphaned what a store deleted by hand left, and leaves a live store alone' {
        $gone = New-BusyStore 'gone'
        $goneBridge = (Get-ContainerNetwork front).Bridge
        $goneId = (Get-Container web).Id
        $live = New-BusyStore 'live'
        $liveBridge = (Get-ContainerNetwork front).Bridge
        $liveId = (Get-Container web).Id
        $liveFootprint = Get-HostFootprint $live $liveBridge $liveId
        (Get-HostFootprint $gone $goneBridge $goneId) | Should -Not -BeNullOrEmpty

        # rm -rf stops at the mounts of the running container; everything else of the store is gone.
        & rm -rf $gone 2>$null
        $found = Reset-ContainerStore -Orphaned -WhatIf -Verbose 4>&1 | ForEach-Object { "$_" }
        $found | Where-Object { $_ -like "*store $gone*" } | Should -Not -BeNullOrEmpty
        $found | Where-Object { $_ -like "*store $live*" } | Should -BeNullOrEmpty

        $removed = Reset-ContainerStore -Orphaned -StorePath $gone -Force -PassThru
        $removed.Objects.Kind | Should -Contain 'link'
        $removed.Objects.Kind | Should -Contain 'iptables'
        $removed.Objects.Kind | Should -Contain 'mount'
        $removed.Objects.Kind | Should -Contain 'process'
        Get-HostFootprint $gone $goneBridge $goneId | Should -BeNullOrEmpty
        Get-HostFootprint $live $liveBridge $liveId | Should -Be $liveFootprint
        (Get-Container web).Status | Should -Be 'Running'
    }
}
