#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The image cmdlets' user stories, for pwsh 7 with Pester 5. Build first (./build.sh), then:
#   Invoke-Pester ./Pester/ContainerImage.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory; needs /bin/busybox (busybox-static) for its image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'image'
    $script:work = $store.Work
    # Different markers in /etc/marker make different images.
    foreach ($image in @{ base = 'local/busybox:1'; tool = 'local/tool:1'; other = 'other/app:1' }.GetEnumerator()) {
        New-BusyboxImage $image.Value -Files @{ 'etc/marker' = $image.Key } | Out-Null
    }
}

AfterAll {
    Exit-TestStore $store
}

Describe 'Import-ContainerImage' {
    It 'makes a named one-layer image from a root filesystem tarball' {
        $image = Get-ContainerImage local/busybox:1
        $image.Repository | Should -Be 'local/busybox'
        $image.Tag | Should -Be '1'
        $image.Id | Should -Match '^sha256:[0-9a-f]{64}$'
        $image.ShortId | Should -Be $image.Id.Substring(7, 12)
        $image.Layers | Should -HaveCount 1
        $image.Size | Should -BeGreaterThan 500KB
        $image.Os | Should -Be 'linux'
    }

    It 'loads a docker-archive back with its names and id' {
        $archive = Join-Path $work 'roundtrip.tar'
        $before = Get-ContainerImage local/busybox:1
        Get-ContainerImage local/busybox:1 | Export-ContainerImage -Path $archive | Should -BeOfType System.IO.FileInfo
        Remove-ContainerImage local/busybox:1
        Get-ContainerImage local/busybox:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $loaded = Import-ContainerImage -Path $archive
        $loaded.Reference | Should -Be 'docker.io/local/busybox:1'
        $loaded.Id | Should -Be $before.Id
    }

    It 'reports a damaged archive as InvalidData' {
        $corrupt = Join-Path $work 'corrupt.tar'
        [IO.File]::WriteAllBytes($corrupt, [byte[]]$(foreach ($i in 0..4095) { ($i * 7) % 256 }))
        Import-ContainerImage -Path $corrupt -ErrorAction SilentlyContinue -ErrorVariable failure | Should -BeNullOrEmpty
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Get-ContainerImage' {
    It 'lists one row per name, like docker images' {
        Add-ContainerImageTag -Image local/tool:1 -Tag local/tool:2
        $rows = Get-ContainerImage -Name 'local/tool'
        $rows | Should -HaveCount 2
        ($rows.Id | Select-Object -Unique) | Should -HaveCount 1
        Remove-ContainerImage local/tool:2
    }

    It 'filters familiar and full names with wildcards' {
        (Get-ContainerImage -Name 'local/*').Repository | Sort-Object -Unique | Should -Be @('local/busybox', 'local/tool')
        (Get-ContainerImage -Name 'docker.io/other/*').Repository | Should -Be 'other/app'
        Get-ContainerImage -Name 'nothing*' | Should -BeNullOrEmpty
    }

    It 'takes names from the pipeline' {
        ('other/app:1' | Get-ContainerImage).Repository | Should -Be 'other/app'
    }

    It 'reports an unknown image as ObjectNotFound with the ImageNotFound id' {
        Get-ContainerImage no/such:image -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
    }

    It 'formats as a docker images table' {
        $text = Get-ContainerImage local/busybox:1 | Format-Table | Out-String
        $text | Should -Match 'REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE'
        $text | Should -Match 'local/busybox\s+1\s+[0-9a-f]{12}\s+.*ago\s+[0-9.]+[kM]B'
    }
}

Describe 'Add-ContainerImageTag' {
    It 'tags images from the pipeline and passes the new names through' {
        $new = Get-ContainerImage other/app:1 | Add-ContainerImageTag -Tag other/app:2, other/app:3 -PassThru
        $new.Reference | Should -Be @('docker.io/other/app:2', 'docker.io/other/app:3')
        (Get-ContainerImage other/app:3).Id | Should -Be (Get-ContainerImage other/app:1).Id
    }

    It 'refuses a malformed name as InvalidArgument' {
        Add-ContainerImageTag -Image other/app:1 -Tag 'Other/App:1' -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidImageReference,*'
    }
}

Describe 'Remove-ContainerImage' {
    It 'removes nothing with -WhatIf in a filtered pipeline' {
        $before = @(Get-ContainerImage).Count
        Get-ContainerImage -Name 'other/*' | Where-Object Size -gt 10KB | Remove-ContainerImage -WhatIf
        @(Get-ContainerImage).Count | Should -Be $before
    }

    It 'removes what the filtered pipeline selects' {
        Get-ContainerImage -Name 'other/*' | Where-Object Size -gt 10KB | Remove-ContainerImage
        Get-ContainerImage -Name 'other/*' | Should -BeNullOrEmpty
        Get-ContainerImage -Name 'local/*' | Should -Not -BeNullOrEmpty
    }
}

Describe 'Export-ContainerImage' {
    It 'writes several images into one archive that a fresh store loads' {
        $archive = Join-Path $work 'local.tar'
        $expected = Get-ContainerImage -Name 'local/*'
        $expected | Export-ContainerImage -Path $archive -Format OciArchive | Out-Null

        $env:CONTAINERTOOLS_ROOT = Join-Path $work 'fresh'
        try {
            Import-ContainerImage -Path $archive | Out-Null
            (Get-ContainerImage).Reference | Sort-Object | Should -Be ($expected.Reference | Sort-Object)
        }
        finally {
            $env:CONTAINERTOOLS_ROOT = $store.Root
        }
    }
}

Describe 'Help' {
    It 'has a synopsis and examples for <_>' -ForEach @('Get-ContainerImage', 'Import-ContainerImage', 'Export-ContainerImage', 'Remove-ContainerImage', 'Add-ContainerImageTag') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeLike "*$_*"
        @($help.examples.example).Count | Should -BeGreaterThan 0
    }
}
