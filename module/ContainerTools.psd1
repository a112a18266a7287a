@{
    RootModule           = 'ContainerTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5c0d2f7e-9b1a-4c3e-8f6d-2a7b4e1c9d30'
    Author               = 'ContainerTools contributors'
    CompanyName          = 'ContainerTools'
    Copyright            = '(c) ContainerTools contributors. MIT License.'
    Description          = 'A daemonless Linux container engine: images and containers as pipeline objects.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('ContainerTools.Format.ps1xml')
    TypesToProcess       = @('ContainerTools.Types.ps1xml')
    CmdletsToExport      = @(
        'Add-ContainerImageTag'
        'Build-ContainerImage'
        'Clear-ContainerBuildCache'
        'ConvertTo-ContainerImage'
        'Get-ContainerImageHistory'
        'Connect-ContainerRegistry'
        'Disconnect-ContainerRegistry'
        'Export-ContainerImage'
        'Get-ContainerImage'
        'Import-ContainerImage'
        'Remove-ContainerImage'
        'Request-ContainerImage'
        'Submit-ContainerImage'
        'Get-Container'
        'Get-ContainerLog'
        'Invoke-ContainerImage'
        'New-Container'
        'Remove-Container'
        'Rename-Container'
        'Restart-Container'
        'Resume-Container'
        'Start-Container'
        'Stop-Container'
        'Suspend-Container'
        'Wait-Container'
        'Restore-Container'
        'Export-ContainerSystemdUnit'
        'Copy-ContainerFile'
        'Export-Container'
        'Get-ContainerEvent'
        'Get-ContainerStatistic'
        'Get-ContainerProcess'
        'Invoke-ContainerCommand'
        'Start-ContainerProcess'
        'Enter-Container'
        'Connect-ContainerNetwork'
        'Disconnect-ContainerNetwork'
        'Get-ContainerNetwork'
        'New-ContainerNetwork'
        'Remove-ContainerNetwork'
        'Get-ContainerVolume'
        'New-ContainerVolume'
        'Remove-ContainerVolume'
        'Reset-ContainerStore'
        'Get-ContainerHost'
        'Install-ContainerTools'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Container', 'OCI', 'Docker', 'Linux')
        }
    }
}
