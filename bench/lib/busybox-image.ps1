# Dot-sourced by the container benchmarks: imports the module and makes bench/busybox:latest in $env:CONTAINERTOOLS_ROOT
# from Debian's busybox-static (the image examples/demo.ps1 builds), unless the store already has it.
$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))

function New-BenchBusyboxImage([string] $Work) {
    if (Get-ContainerImage -Name 'bench/busybox:latest' -ErrorAction SilentlyContinue) { return }
    $rootfs = [IO.Path]::Combine($Work, 'busybox-rootfs')
    $bin = [IO.Directory]::CreateDirectory([IO.Path]::Combine($rootfs, 'bin')).FullName
    [IO.File]::Copy('/bin/busybox', [IO.Path]::Combine($bin, 'busybox'))
    foreach ($applet in 'sh', 'sleep', 'true') {
        $null = [IO.File]::CreateSymbolicLink([IO.Path]::Combine($bin, $applet), 'busybox')
    }
    foreach ($dir in 'etc', 'tmp', 'proc', 'sys', 'dev', 'root') {
        $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($rootfs, $dir))
    }
    [IO.File]::WriteAllText([IO.Path]::Combine($rootfs, 'etc', 'passwd'), "root:x:0:0:root:/root:/bin/sh`n")
    $tarball = [IO.Path]::Combine($Work, 'busybox-rootfs.tar')
    [System.Formats.Tar.TarFile]::CreateFromDirectory($rootfs, $tarball, $false)
    $null = Import-ContainerImage -RootFs -Path $tarball -Name 'bench/busybox:latest'
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]$Values.Clone()
    [Array]::Sort($sorted)
    $n = $sorted.Length
    if ($n % 2) { return $sorted[($n - 1) / 2] }
    return ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2
}
