#Requires -Version 7.6
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The build cmdlets' user stories (Build-ContainerImage, ConvertTo-ContainerImage, Get-ContainerImageHistory), for
# pwsh 7 with Pester 5. Build first (./build.sh), then:
#   Invoke-Pester ./Pester/ContainerBuild.Tests.ps1 -Output Detailed
# Runs in a store of its own under a temp directory, as root; needs /bin/busybox (busybox-static) for its base image.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestStore.ps1')
    $script:store = Enter-TestStore 'build'
    New-BusyboxImage local/busybox:1 -Applets '*' | Out-Null
    $work = $store.Work

    $script:context = New-Item -ItemType Directory -Path (Join-Path $work 'app')
    Set-Content -Path (Join-Path $context 'message.txt') -Value 'version one'
    Set-Content -Path (Join-Path $context 'Dockerfile') -Value @(
        'FROM local/busybox:1'
        'RUN echo prepared > /prepared.txt'
        'COPY message.txt /app/'
        'CMD ["cat", "/app/message.txt"]'
    )
}

AfterAll {
    Exit-TestStore $store
}

Describe 'Build-ContainerImage' {
    It 'builds a tagged image from a Dockerfile and reports each step' {
        $steps = @()
        $image = Build-ContainerImage -Path $context -Tag local/app:1 -InformationVariable steps
        $image.Reference | Should -Be 'docker.io/local/app:1'
        ($steps | ForEach-Object { "$_" }) | Should -Contain 'STEP 2/4: RUN echo prepared > /prepared.txt'
    }

    It 'runs the image it built' {
        Invoke-ContainerImage local/app:1 | Should -Be 'version one'
    }

    It 'uses the cache for a rebuild and reruns only what a changed file affects' {
        $steps = @()
        Build-ContainerImage -Path $context -Tag local/app:1 -InformationVariable steps | Out-Null
        @($steps | Where-Object { "$_" -like '--> Using cache*' }).Count | Should -Be 2

        Set-Content -Path (Join-Path $context 'message.txt') -Value 'version two'
        $steps = @()
        Build-ContainerImage -Path $context -Tag local/app:2 -InformationVariable steps | Out-Null
        @($steps | Where-Object { "$_" -like '--> Using cache*' }).Count | Should -Be 1
        Invoke-ContainerImage local/app:2 | Should -Be 'version two'
    }

    It 'reports a failing RUN as an error and makes no image' {
        { 'FROM local/busybox:1', 'RUN exit 3' | Build-ContainerImage -Path $context -File - -Tag local/broken:1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BuildStepFailed*'
        Get-ContainerImage -Name local/broken:1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Get-ContainerImageHistory' {
    It 'lists the instructions that made the image, newest first' {
        $history = Get-ContainerImageHistory local/app:2
        $history[0].CreatedBy | Should -Be 'CMD ["cat","/app/message.txt"]'
        ($history | Where-Object CreatedBy -like 'COPY*').Size | Should -BeGreaterThan 0
    }
}

Describe 'ConvertTo-ContainerImage' {
    It 'commits the changes of a container as a new image' {
        Invoke-ContainerImage local/app:2 -Name changer -Command sh, -c, 'echo changed > /app/message.txt' | Out-Null
        # As docker commit: the image takes the container's command unless a -Change says otherwise.
        $image = ConvertTo-ContainerImage changer -Name local/app:changed -Change 'ENV MODE=committed', 'CMD ["cat", "/app/message.txt"]'
        $image.Reference | Should -Be 'docker.io/local/app:changed'
        Invoke-ContainerImage local/app:changed | Should -Be 'changed'
        $image.Env | Should -Contain 'MODE=committed'
    }
}

Describe 'Cleaning up after builds' {
    It 'removes a built image with the build steps only it needed, so its rebuild runs them again' {
        $dockerfile = 'FROM local/busybox:1', 'RUN echo only-here > /only.txt'
        $dockerfile | Build-ContainerImage -Path $context -File - -Tag local/once:1 | Out-Null
        Remove-ContainerImage local/once:1
        $steps = @()
        $dockerfile | Build-ContainerImage -Path $context -File - -Tag local/once:1 -InformationVariable steps | Out-Null
        @($steps | Where-Object { "$_" -like '--> Using cache*' }).Count | Should -Be 0
    }

    It 'clears the steps a failed build left with Clear-ContainerBuildCache' {
        { 'FROM local/busybox:1', 'RUN echo half > /half.txt', 'RUN exit 1' | Build-ContainerImage -Path $context -File - -ErrorAction Stop } |
            Should -Throw -ErrorId 'BuildStepFailed*'
        Clear-ContainerBuildCache -WhatIf | Should -BeNullOrEmpty
        $cleared = Clear-ContainerBuildCache -Confirm:$false
        $cleared.RemovedImages.Count | Should -Be 1
        Invoke-ContainerImage local/app:2 | Should -Be 'version two'
    }
}
