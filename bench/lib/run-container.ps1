# Prints the median milliseconds of `Invoke-ContainerImage bench/busybox -RemoveAutomatically -Command true` over
# -Runs runs in one warm engine; first exports the image as a docker-archive to -Archive for the peer.
# -Publish (Docker's -p forms) is passed through when given, so the same loop times a container with published ports.
param([string] $Work, [string] $Archive, [int] $Runs, [string[]] $Publish)
. ([IO.Path]::Combine($PSScriptRoot, 'busybox-image.ps1'))
New-BenchBusyboxImage $Work
if (-not [IO.File]::Exists($Archive)) { $null = Export-ContainerImage -Image 'bench/busybox:latest' -Path $Archive -Format DockerArchive }
$options = @{ RemoveAutomatically = $true; Command = 'true' }
if ($Publish) { $options.Publish = $Publish }
$before = @(Get-Container).Count
foreach ($i in 1..3) { $null = Invoke-ContainerImage bench/busybox:latest @options }
$times = foreach ($i in 1..$Runs) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = Invoke-ContainerImage bench/busybox:latest @options
    $watch.Stop()
    if ($LASTEXITCODE -ne 0) { throw "Invoke-ContainerImage exited with $LASTEXITCODE" }
    $watch.Elapsed.TotalMilliseconds
}
if (@(Get-Container).Count -ne $before) { throw 'containers were left behind by -RemoveAutomatically' }
'{0:F2}' -f (Get-Median $times)
