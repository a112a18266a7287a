# Cleanup after a failed benchmark: removes every container of $env:CONTAINERTOOLS_ROOT.
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
Get-Container | Remove-Container -Force
