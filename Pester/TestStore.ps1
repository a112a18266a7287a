# Shared by the Pester suites: each dot-sources this file in its BeforeAll, works in a store of its own under a temp
# directory (Enter-TestStore), and in its AfterAll leaves the host as it found it (Exit-TestStore): no containers and
# so no mounts, cgroups or monitors, no bridges or iptables rules of the default or user networks, no volumes.

# Imports the built module (./build.sh) and points CONTAINERTOOLS_ROOT at a new store; returns what Exit-TestStore needs.
function Enter-TestStore([string] $Name) {
    Import-Module (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/ContainerTools') -Force -ErrorAction Stop
    $work = [IO.Directory]::CreateTempSubdirectory("ct-pester-$Name-").FullName
    $store = [pscustomobject]@{ Work = $work; Root = Join-Path $work 'store'; PreviousRoot = $env:CONTAINERTOOLS_ROOT; CniScaffolding = Get-CniScaffolding }
    $env:CONTAINERTOOLS_ROOT = $store.Root
    $store
}

# Removes what the store made on the host, then the store; fails (after cleaning what it can) when something would stay.
function Exit-TestStore($Store) {
    if (-not $Store) { return }
    $failures = @()
    if (Get-Module ContainerTools) {
        $env:CONTAINERTOOLS_ROOT = $Store.Root
        # Containers first: a network or volume in use cannot go.
        Get-Container | Remove-Container -Force -ErrorAction SilentlyContinue -ErrorVariable +failures
        Get-ContainerNetwork | Remove-ContainerNetwork -Force -ErrorAction SilentlyContinue -ErrorVariable +failures
        Get-ContainerVolume | Remove-ContainerVolume -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable +failures
    }
    $mounts = @(Get-Content /proc/self/mounts | Where-Object { $_.Split(' ')[1].StartsWith($Store.Work + '/') })
    $env:CONTAINERTOOLS_ROOT = $Store.PreviousRoot
    Remove-Module ContainerTools -ErrorAction SilentlyContinue
    if (-not $mounts) { Remove-Item -LiteralPath $Store.Work -Recurse -Force }
    Remove-CniScaffolding -Before $Store.CniScaffolding
    if ($failures -or $mounts) {
        throw "the test store $($Store.Work) was not left clean: $(@($failures) + $mounts -join '; ')"
    }
}

# Imports a one-layer image from a busybox-static root filesystem: /bin/busybox with a link per applet ('*' for every
# applet), the usual top directories, a root user, and $Files (path under the root => content).
function New-BusyboxImage([string] $Name, [string[]] $Applets = @('sh'), [hashtable] $Files = @{}) {
    $build = [IO.Directory]::CreateTempSubdirectory('ct-pester-rootfs-').FullName
    try {
        $rootfs = Join-Path $build 'rootfs'
        $bin = New-Item -ItemType Directory -Path (Join-Path $rootfs 'bin') -Force
        Copy-Item -Path '/bin/busybox' -Destination (Join-Path $bin 'busybox')
        if ($Applets -contains '*') { $Applets = (& /bin/busybox --list) | Where-Object { $_ -and $_ -ne 'busybox' -and $_ -notmatch '/' } }
        foreach ($applet in $Applets) {
            [IO.File]::CreateSymbolicLink((Join-Path $bin $applet), 'busybox') | Out-Null
        }
        foreach ($dir in 'etc', 'tmp', 'proc', 'sys', 'dev', 'root') {
            New-Item -ItemType Directory -Path (Join-Path $rootfs $dir) -Force | Out-Null
        }
        $content = @{ 'etc/passwd' = 'root:x:0:0:root:/root:/bin/sh' }
        foreach ($path in $Files.Keys) { $content[$path] = $Files[$path] }
        foreach ($path in $content.Keys) {
            Set-Content -Path (Join-Path $rootfs $path) -Value $content[$path]
        }
        $tarball = Join-Path $build 'rootfs.tar'
        [System.Formats.Tar.TarFile]::CreateFromDirectory($rootfs, $tarball, $false)
        Import-ContainerImage -RootFs -Path $tarball -Name $Name
    }
    finally {
        Remove-Item -LiteralPath $build -Recurse -Force
    }
}

# portmap and firewall (CNI) leave host-wide scaffolding on purpose: CNI-HOSTPORT-* in nat and CNI-FORWARD/CNI-ADMIN in
# filter, hooked into the built-in chains; every portmap shares it, so no store's reset removes it. A suite that
# publishes ports records which of these chains the host had (Get-CniScaffolding) and takes away, after its stores are
# gone, those it added (Remove-CniScaffolding), as tests/.../Network/NetworkHostState.cs does for the xunit tests.
$script:CniScaffolding = @(
    @{ Table = 'nat'; Chain = 'CNI-HOSTPORT-DNAT'; Hooks = @(@('PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL'), @('OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL')) }
    @{ Table = 'nat'; Chain = 'CNI-HOSTPORT-MASQ'; Hooks = @(, @('POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade')) }
    @{ Table = 'nat'; Chain = 'CNI-HOSTPORT-SETMARK'; Hooks = @() }
    @{ Table = 'filter'; Chain = 'CNI-FORWARD'; Hooks = @(, @('FORWARD', '-m', 'comment', '--comment', 'CNI firewall plugin rules')) }
    @{ Table = 'filter'; Chain = 'CNI-ADMIN'; Hooks = @() }
)

function Get-CniScaffolding {
    $rules = @(iptables-save 2>$null)
    @($CniScaffolding | Where-Object { $rules -match "^:$([regex]::Escape($_.Chain)) " } | ForEach-Object Chain)
}

function Remove-CniScaffolding([string[]] $Before) {
    foreach ($item in $CniScaffolding) {
        if ($Before -contains $item.Chain) { continue }
        foreach ($hook in $item.Hooks) {
            $chain, $match = $hook
            do { iptables -w -t $item.Table -D $chain @match -j $item.Chain 2>$null } while ($LASTEXITCODE -eq 0)
        }
    }
    foreach ($item in $CniScaffolding) {
        if ($Before -contains $item.Chain) { continue }
        iptables -w -t $item.Table -F $item.Chain 2>$null
        iptables -w -t $item.Table -X $item.Chain 2>$null
    }
    $global:LASTEXITCODE = 0
}
