# Cleanup of the benchmarks: removes every network of $env:CONTAINERTOOLS_ROOT (detaching what is left) with its bridge;
# exits 1 when one would not go.
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
Get-ContainerNetwork | Remove-ContainerNetwork -Force -Confirm:$false -ErrorVariable failed
if ($failed) { exit 1 }
