# Cleanup of bench/run-network.sh: removes every network of $env:CONTAINERTOOLS_ROOT (detaching what is left) with its bridge.
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'out', 'ContainerTools'))
Get-ContainerNetwork | Remove-ContainerNetwork -Force -Confirm:$false
