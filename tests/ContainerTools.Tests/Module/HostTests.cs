using System.Diagnostics;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>ctpwsh (out/host, built by ./build.sh) runs scripts with readable output: the demo, and docker-like tables.</summary>
public sealed class HostTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ct-host-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Ctpwsh
    {
        get
        {
            var path = Path.Combine(BuiltModule.RepositoryRoot, "out", "host", "ctpwsh");
            Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh first.");
            return path;
        }
    }

    /// <summary>Runs a script; the store root goes to the child alone, so this class needs no shared collection.</summary>
    private (int ExitCode, string Stdout, string Stderr) Run(string script, string? storeRoot)
    {
        var start = new ProcessStartInfo(Ctpwsh) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BuiltModule.RepositoryRoot };
        start.ArgumentList.Add(script);
        start.Environment[global::ContainerTools.Runtime.Storage.StoreRoot.EnvironmentVariable] = storeRoot;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void ImagesPrintAsADockerImagesTableAndErrorsAsOneLineWithTheirCategory()
    {
        var archive = Path.Combine(directory, "images.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest", "local/app:1");
        var script = Path.Combine(directory, "list.ps1");
        File.WriteAllText(script, $"""
            Import-Module '{BuiltModule.Folder}'
            Import-ContainerImage '{archive}' | Out-Null
            Get-ContainerImage
            Write-Host 'done listing'
            Get-ContainerImage no/such:image
            """);

        var (exitCode, stdout, stderr) = Run(script, Path.Combine(directory, "store"));

        Assert.Equal(1, exitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", lines[0]);
        Assert.Matches(@"^busybox\s+latest\s+[0-9a-f]{12}\s+\d+ (months|years) ago\s+\d(\.\d+)?MB$", lines.Single(l => l.StartsWith("busybox")));
        Assert.Matches(@"^local/app\s+1\s+[0-9a-f]{12}\s+", lines.Single(l => l.StartsWith("local/app")));
        Assert.Equal("done listing", lines[^1]);
        Assert.Contains("ERROR: No image 'no/such:image' in the store. [ObjectNotFound: ImageNotFound,", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void TheDemoRunsToTheEndInItsOwnStoreAndCleansUp()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "ct-demo-*").ToHashSet();

        var (exitCode, stdout, stderr) = Run(Path.Combine(BuiltModule.RepositoryRoot, "examples", "demo.ps1"), storeRoot: null);

        Assert.True(exitCode == 0, $"demo failed ({exitCode}):\n{stdout}\n{stderr}");
        Assert.Contains("What if: Performing the operation", stdout);
        Assert.Matches(@"local/busybox\s+1\.0\s+[0-9a-f]{12}\s+\d+ seconds? ago", stdout);
        Assert.Contains("ObjectNotFound: ImageNotFound", stdout);
        Assert.Contains("Got 'Hello from a container', exit code 0", stdout);
        Assert.Contains("A failing command: exit code 3", stdout);
        Assert.Matches(@"(?m)^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$", stdout);
        Assert.Matches(@"(?m)^[0-9a-f]{12} local/busybox:1\.0\s+""sh -c trap .*\s+Up .* \(Paused\)\s+worker$", stdout);
        Assert.Matches(@"(?m)^[0-9a-f]{12} local/busybox:1\.0\s+""echo Hello from a c…""\s+.*\s+Exited \(0\) .*ago\s+hello$", stdout);
        Assert.Contains("What if: Performing the operation \"Remove container\" on target \"web (", stdout);
        Assert.Contains("0 containers left", stdout);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "ct-demo-*").ToHashSet());
    }
}
