#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The registry cmdlets' user stories, for pwsh 7 with Pester 5. Build first (./build.sh), then:
#   Invoke-Pester ./Pester/ContainerRegistry.Tests.ps1 -Output Detailed
# Starts its own docker-registry (Debian package docker-registry) on free 127.0.0.1 ports, one plain and one with
# htpasswd Basic auth (htpasswd from apache2-utils), with a store, a docker config and registry storage of its own
# under a temp directory. Needs /bin/busybox (busybox-static) for its image.

BeforeDiscovery {
    # -Skip is decided during discovery, before BeforeAll runs.
    $script:hasHtpasswd = [bool](Get-Command htpasswd -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'registry'
    $script:work = $store.Work
    $script:saved = @{
        DOCKER_CONFIG                    = $env:DOCKER_CONFIG
        CONTAINERTOOLS_REGISTRIES_CONFIG = $env:CONTAINERTOOLS_REGISTRIES_CONFIG
    }
    $env:DOCKER_CONFIG = Join-Path $work 'docker'
    $env:CONTAINERTOOLS_REGISTRIES_CONFIG = $null

    function Get-FreePort {
        $listener = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $listener.Start()
        try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }

    # Starts docker-registry serve on a free port; $Auth is the YAML lines of its auth: section, if any.
    function Start-TestRegistry([string] $Name, [string[]] $Auth) {
        $dir = New-Item -ItemType Directory -Path (Join-Path $work $Name) -Force
        $port = Get-FreePort
        $config = Join-Path $dir 'config.yml'
        $yaml = @(
            'version: 0.1'
            'log:'
            '  level: warn'
            'storage:'
            '  filesystem:'
            "    rootdirectory: $(Join-Path $dir 'storage')"
            'http:'
            "  addr: 127.0.0.1:$port"
            '  secret: pester'
        )
        if ($Auth) { $yaml += 'auth:'; $yaml += $Auth }
        Set-Content -Path $config -Value $yaml
        $process = Start-Process -FilePath '/usr/bin/docker-registry' -ArgumentList 'serve', $config -PassThru `
            -RedirectStandardOutput (Join-Path $dir 'access.log') -RedirectStandardError (Join-Path $dir 'error.log')
        $registry = [pscustomobject]@{ Host = "127.0.0.1:$port"; Process = $process; Directory = $dir.FullName }
        $deadline = [datetime]::UtcNow.AddSeconds(15)
        while (-not $process.HasExited -and [datetime]::UtcNow -lt $deadline) {
            try {
                Invoke-WebRequest -Uri "http://127.0.0.1:$port/v2/" -SkipHttpErrorCheck -TimeoutSec 2 | Out-Null
                return $registry
            } catch {
                Start-Sleep -Milliseconds 100
            }
        }
        # A registry that is not serving fails the suite here, with its own words, not its tests later.
        Stop-TestRegistry $registry
        throw "docker-registry '$Name' did not start on 127.0.0.1:${port}: $(Get-Content (Join-Path $dir 'error.log') -Raw)"
    }

    function Stop-TestRegistry($Registry) {
        if ($Registry -and -not $Registry.Process.HasExited) {
            Stop-Process -Id $Registry.Process.Id -Force -ErrorAction SilentlyContinue
            $Registry.Process.WaitForExit(5000) | Out-Null
        }
    }

    $script:user = 'pester'
    $script:password = 'pester-secret'
    $script:goodCredential = [pscredential]::new($user, (ConvertTo-SecureString $password -AsPlainText -Force))
    $script:badCredential = [pscredential]::new($user, (ConvertTo-SecureString 'wrong' -AsPlainText -Force))

    $script:plain = Start-TestRegistry 'plain'
    $script:private = $null
    if (Get-Command htpasswd -ErrorAction SilentlyContinue) {
        $htpasswd = Join-Path $work 'htpasswd'
        htpasswd -Bbc $htpasswd $user $password 2>$null
        $script:private = Start-TestRegistry 'private' @('  htpasswd:', '    realm: pester', "    path: $htpasswd")
    }

    # /etc/marker makes the private registry's image another image.
    $script:local = New-BusyboxImage "$($plain.Host)/pester/app:1" -Files @{ 'etc/marker' = 'pushed' }
}

AfterAll {
    foreach ($registry in @($plain, $private)) { Stop-TestRegistry $registry }
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    Exit-TestStore $store
}

Describe 'Submit-ContainerImage' {
    It 'pushes an image under its own name and writes the manifest digest' {
        $pushed = Submit-ContainerImage -Image "$($plain.Host)/pester/app:1"
        $pushed.Reference | Should -Be "$($plain.Host)/pester/app:1"
        $pushed.Digest | Should -Be $local.Digest
        $pushed.Uploaded | Should -Be 2
    }

    It 'pushes to another repository by mounting the blobs the registry already has' {
        $pushed = Get-ContainerImage "$($plain.Host)/pester/app:1" | Submit-ContainerImage -Name "$($plain.Host)/pester/copy:2"
        $pushed.Mounted | Should -Be 2
        $pushed.Uploaded | Should -Be 0
        $pushed.Digest | Should -Be $local.Digest
    }

    It 'needs -Name for an image given by id' {
        { Submit-ContainerImage -Image $local.Id -ErrorAction Stop } | Should -Throw -ErrorId 'PushTargetRequired,ContainerTools.Cmdlets.Registry.SubmitContainerImageCommand'
    }
}

Describe 'Request-ContainerImage' {
    BeforeAll {
        $script:pullRoot = Join-Path $work 'pull-store'
        $env:CONTAINERTOOLS_ROOT = $pullRoot
    }
    AfterAll {
        $env:CONTAINERTOOLS_ROOT = $store.Root
    }

    It 'pulls what was pushed into an empty store, with the same id and digest' {
        $pulled = Request-ContainerImage "$($plain.Host)/pester/copy:2"
        $pulled.Reference | Should -Be "$($plain.Host)/pester/copy:2"
        $pulled.Id | Should -Be $local.Id
        $pulled.Digest | Should -Be $local.Digest
        (Get-ContainerImage "$($plain.Host)/pester/copy@$($local.Digest)").Id | Should -Be $local.Id
    }

    It 'pulls every tag with -AllTags' {
        $pulled = Request-ContainerImage "$($plain.Host)/pester/app" -AllTags
        $pulled | Should -HaveCount 1
        $pulled.Reference | Should -Be "$($plain.Host)/pester/app:1"
    }

    It 'reports an unknown tag as ObjectNotFound naming it' {
        $err = $null
        Request-ContainerImage "$($plain.Host)/pester/app:missing" -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ImageNotFoundInRegistry,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'pester/app:missing'
    }

    It 'rejects a malformed platform' {
        { Request-ContainerImage "$($plain.Host)/pester/app:1" -Platform 'linux' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPlatform,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand'
    }
}

Describe 'Connect-ContainerRegistry and Disconnect-ContainerRegistry' {
    BeforeAll {
        if ($private) { New-BusyboxImage "$($private.Host)/pester/secret:1" -Files @{ 'etc/marker' = 'private' } | Out-Null }
    }

    It 'refuses a wrong password and stores nothing' -Skip:(-not $hasHtpasswd) {
        { Connect-ContainerRegistry $private.Host -Credential $badCredential -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationFailed,ContainerTools.Cmdlets.Registry.ConnectContainerRegistryCommand'
        Join-Path $env:DOCKER_CONFIG 'config.json' | Should -Not -Exist
    }

    It 'stores a verified login in docker''s config.json that pushes and pulls use' -Skip:(-not $hasHtpasswd) {
        Connect-ContainerRegistry $private.Host -Credential $goodCredential
        $config = Get-Content (Join-Path $env:DOCKER_CONFIG 'config.json') -Raw | ConvertFrom-Json -AsHashtable
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($config.auths[$private.Host].auth)) | Should -Be "${user}:${password}"

        (Submit-ContainerImage "$($private.Host)/pester/secret:1").Uploaded | Should -Be 2
        Remove-ContainerImage "$($private.Host)/pester/secret:1"
        (Request-ContainerImage "$($private.Host)/pester/secret:1").Repository | Should -Be "$($private.Host)/pester/secret"
    }

    It 'forgets the login and warns when there is none' -Skip:(-not $hasHtpasswd) {
        Disconnect-ContainerRegistry $private.Host
        $config = Get-Content (Join-Path $env:DOCKER_CONFIG 'config.json') -Raw | ConvertFrom-Json -AsHashtable
        $config.auths.ContainsKey($private.Host) | Should -BeFalse
        Disconnect-ContainerRegistry $private.Host -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -Match 'Not logged in'
        { Request-ContainerImage "$($private.Host)/pester/secret:1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationFailed,ContainerTools.Cmdlets.Registry.RequestContainerImageCommand'
    }

    It 'uses -Credential for one command without storing it' -Skip:(-not $hasHtpasswd) {
        $pulled = Request-ContainerImage "$($private.Host)/pester/secret:1" -Credential $goodCredential
        $pulled.Tag | Should -Be '1'
        $config = Get-Content (Join-Path $env:DOCKER_CONFIG 'config.json') -Raw | ConvertFrom-Json -AsHashtable
        $config.auths.ContainsKey($private.Host) | Should -BeFalse
    }
}
