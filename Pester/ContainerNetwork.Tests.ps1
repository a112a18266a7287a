#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Networks, published ports and volumes, for pwsh 7 with Pester 5. Build first (./build.sh), then, as root:
#   Invoke-Pester ./Pester/ContainerNetwork.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) and the CNI plugins
# (containernetworking-plugins). Traffic goes only to 127.0.0.1 and between containers on the networks it creates.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'net'
    $script:work = $store.Work
    New-BusyboxImage local/busybox:1 -Applets sh, echo, sleep, cat, true, mkdir, touch, seq, grep, httpd, wget, ip | Out-Null

    $script:web = @('sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www')
    function script:Get-Page([int] $Port) {
        for ($i = 0; $i -lt 100; $i++) {
            try {
                $client = [Net.Sockets.TcpClient]::new('127.0.0.1', $Port)
                $stream = $client.GetStream()
                $request = [Text.Encoding]::ASCII.GetBytes("GET /index.html HTTP/1.0`r`n`r`n")
                $stream.Write($request, 0, $request.Length)
                $text = [IO.StreamReader]::new($stream).ReadToEnd()
                $client.Dispose()
                if ($text -match 'hello-from-web') { return $text }
            }
            catch { }
            Start-Sleep -Milliseconds 100
        }
        throw "nothing answered on 127.0.0.1:$Port"
    }
}

AfterAll {
    Exit-TestStore $store
}

Describe 'Networks' {
    AfterEach {
        Get-Container | Remove-Container -Force
        Get-ContainerNetwork | Remove-ContainerNetwork -Force
    }

    It 'creates, lists, connects a created container to, and removes networks, with clear errors' {
        $network = New-ContainerNetwork -Name app -Subnet 10.213.7.0/24
        $network.Subnet | Should -Be '10.213.7.0/24'
        $network.Gateway | Should -Be '10.213.7.1'
        New-ContainerNetwork -Name other -Subnet 10.213.8.0/24 -Internal | Out-Null
        (Get-ContainerNetwork -Name a*).Name | Should -Be 'app'
        { Get-ContainerNetwork nosuch -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkNotFound,ContainerTools.Cmdlets.Networks.GetContainerNetworkCommand'
        { New-ContainerNetwork app -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkAlreadyExists,*'

        $created = New-Container local/busybox:1 -Name web -Network app -NetworkAlias www -Publish 127.0.0.1::80 -Command true
        $created.Network | Should -Be 'app'
        $created.Ports | Should -BeNullOrEmpty
        { New-Container local/busybox:1 -Network other -Publish 80 -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'PortsOnInternalNetwork,*'
        { New-Container local/busybox:1 -Network nosuch -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkNotFound,*'

        (Connect-ContainerNetwork -Container web -Network other -Alias db -PassThru).Name | Should -Be 'web'
        { Connect-ContainerNetwork web other -ErrorAction Stop } | Should -Throw -ErrorId 'AlreadyConnected,*'
        Disconnect-ContainerNetwork web other
        { Disconnect-ContainerNetwork web other -ErrorAction Stop } | Should -Throw -ErrorId 'NotConnected,*'

        Remove-Container web
        Remove-ContainerNetwork app -WhatIf
        Get-ContainerNetwork | Should -HaveCount 2
        Get-ContainerNetwork | Remove-ContainerNetwork
        Get-ContainerNetwork | Should -BeNullOrEmpty
        Join-Path $store.Root 'networks/app' | Should -Not -Exist
    }

    It 'lets containers on a user network reach each other by name and alias' {
        New-ContainerNetwork -Name app | Out-Null
        New-Container local/busybox:1 -Name web -Network app -NetworkAlias www -Command $web | Start-Container | Out-Null
        $out = Invoke-ContainerImage local/busybox:1 -Network app -Command sh, -c, 'for i in $(seq 100); do wget -q -O - http://www:8080/index.html && exit 0; sleep 0.1; done; exit 1'
        $out | Should -Be 'hello-from-web'
        $LASTEXITCODE | Should -Be 0
    }

    It 'publishes a port on 127.0.0.1 and shows it in Ports' {
        New-ContainerNetwork -Name pub | Out-Null
        $c = New-Container local/busybox:1 -Name site -Network pub -Publish 127.0.0.1::8080 -Command $web | Start-Container -PassThru
        $c = Get-Container site
        $c.Ports | Should -HaveCount 1
        $c.Ports[0] | Should -Match '^127\.0\.0\.1:\d+->8080/tcp$'
        $port = [int]($c.Ports[0] -replace '^127\.0\.0\.1:(\d+)->.*$', '$1')
        Get-Page $port | Should -Match 'hello-from-web'
    }

    It 'refuses to remove a network in use without -Force, and leaves no bridge after removal' {
        $network = New-ContainerNetwork -Name busy
        New-Container local/busybox:1 -Name sleeper -Network busy -Command sleep, 100 | Start-Container | Out-Null
        { Remove-ContainerNetwork busy -ErrorAction Stop } | Should -Throw -ErrorId 'NetworkInUse*'
        Remove-Container sleeper -Force
        Remove-ContainerNetwork busy
        (ip -o link show) -join "`n" | Should -Not -Match $network.Bridge
    }
}

Describe 'Volumes' {
    AfterEach {
        Get-Container | Remove-Container -Force
        Get-ContainerVolume | Remove-ContainerVolume -Force -Confirm:$false
    }

    It 'keeps a named volume''s data across containers and refuses to remove it while used' {
        $volume = New-ContainerVolume -Name data
        $volume.Name | Should -Be 'data'
        Invoke-ContainerImage local/busybox:1 -Network none -Volume data:/data -Command sh, -c, 'echo kept > /data/f' | Out-Null
        Invoke-ContainerImage local/busybox:1 -Network none -Name reader -Mount 'type=volume,source=data,target=/d,readonly' -Command cat, /d/f | Should -Be 'kept'
        (Get-Container reader).Mounts | Should -Be "$($volume.Mountpoint):/d:ro"
        { Remove-ContainerVolume data -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'VolumeInUse*'
        Get-Container | Remove-Container
        (Get-ContainerVolume d*).Name | Should -Be 'data'
        Remove-ContainerVolume data -Confirm:$false
        Get-ContainerVolume | Should -BeNullOrEmpty
    }

    It 'makes a read-only bind mount refuse writes and mounts a tmpfs' {
        $dir = New-Item -ItemType Directory -Path (Join-Path $work 'ro') -Force
        $out = Invoke-ContainerImage local/busybox:1 -Network none -Volume "$($dir.FullName):/ro:ro" -Tmpfs /scratch -Command sh, -c, 'touch /ro/x 2>/dev/null && echo WROTE || echo READONLY; grep -q " /scratch tmpfs " /proc/mounts && echo TMPFS'
        $out | Should -Be @('READONLY', 'TMPFS')
    }
}
