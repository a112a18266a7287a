# Cleanup after a failed benchmark: removes every container of $env:CONTAINERTOOLS_ROOT; exits 1 when one would not go.
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
Get-Container | Remove-Container -Force -ErrorVariable failed
if ($failed) { exit 1 }
