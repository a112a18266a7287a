# Runs every Pester/*.Tests.ps1 (scripts/test.sh, with out/pwsh/pwsh); writes the NUnit results to $Results/pester.xml
# and one line "PASSED FAILED SKIPPED RESULT" to $Results/pester.counts for the caller's summary.
param(
    [Parameter(Mandatory)] [string] $Results
)
# No $ErrorActionPreference here: the suites run with pwsh's default (Continue), as a user's Invoke-Pester does.
$config = New-PesterConfiguration
$config.Run.Path = Join-Path (Split-Path -Parent $PSScriptRoot) 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $Results 'pester.xml'
$run = Invoke-Pester -Configuration $config
# A block or file that failed outside a test (BeforeAll, AfterAll, a parse error) fails the run as a test does.
$failed = $run.FailedCount + $run.FailedBlocksCount + $run.FailedContainersCount
"$($run.PassedCount) $failed $($run.SkippedCount + $run.NotRunCount) $($run.Result)" | Set-Content (Join-Path $Results 'pester.counts')
exit ([int]($run.Result -ne 'Passed'))
