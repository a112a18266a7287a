using System.Diagnostics;
using ContainerTools.Runtime.Storage;
using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// out/pwsh/pwsh (./build.sh) runs scripts as a user's pwsh does: the module's docker-like table views, its errors
/// without stack traces, and the demo at a terminal.
/// </summary>
public sealed class HostTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ct-host-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>`pwsh -NoProfile -File SCRIPT` with its output redirected, as in a log: NO_COLOR makes it plain text.</summary>
    private (int ExitCode, string Stdout, string Stderr) Run(string script, string storeRoot)
    {
        var start = new ProcessStartInfo(BuiltModule.Pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = BuiltModule.RepositoryRoot };
        start.ArgumentList.Add("-NoProfile");
        start.ArgumentList.Add("-File");
        start.ArgumentList.Add(script);
        start.Environment["NO_COLOR"] = "1";
        // The store root goes to the child alone, so this class needs no shared collection.
        start.Environment[StoreRoot.EnvironmentVariable] = storeRoot;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void ImagesPrintAsADockerImagesTableAndErrorsAsAMessageWithoutAStackTrace()
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

        // pwsh -File exits 0 after a non-terminating error: the error itself is what the user reads.
        Assert.Equal(0, exitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", lines[0]);
        Assert.Matches(@"^busybox\s+latest\s+[0-9a-f]{12}\s+\d+ (months|years) ago\s+\d(\.\d+)?MB$", lines.Single(l => l.StartsWith("busybox")));
        Assert.Matches(@"^local/app\s+1\s+[0-9a-f]{12}\s+", lines.Single(l => l.StartsWith("local/app")));
        Assert.Equal("done listing", lines[^1]);
        Assert.Contains("Get-ContainerImage: ", stderr);
        Assert.Contains("No image 'no/such:image' in the store.", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void TheDemoRunsToTheEndAtATerminalInItsOwnStoreAndCleansUp()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "ct-demo-*").ToHashSet();
        using var tmux = new TmuxServer(directory);
        var demo = Path.Combine(BuiltModule.RepositoryRoot, "examples", "demo.ps1");

        // Wide enough for the container table (like docker ps, about 160 columns); the demo makes its own store.
        tmux.Start(180, 50, $"env -u {StoreRoot.EnvironmentVariable} '{BuiltModule.Pwsh}' -NoProfile -File '{demo}'; echo \"demo exit=$?\"; sleep 300");
        tmux.WaitForHistory(@"(?m)^demo exit=\d+$", TimeSpan.FromMinutes(3));
        var screen = tmux.History();

        Assert.True(screen.Contains("demo exit=0"), $"the demo failed:\n{screen}");
        Assert.Contains("What if: Performing the operation", screen);
        Assert.Matches(@"(?m)^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$", screen);
        Assert.Matches(@"local/busybox\s+1\.0\s+[0-9a-f]{12}\s+\d+ seconds? ago", screen);
        Assert.Contains("ObjectNotFound: ImageNotFound", screen);
        Assert.Contains("Got 'Hello from a container', exit code 0", screen);
        Assert.Contains("A failing command: exit code 3", screen);
        Assert.Matches(@"(?m)^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$", screen);
        Assert.Matches(@"(?m)^[0-9a-f]{12} local/busybox:1\.0\s+""sh -c trap .*\s+Up .* \(Paused\)\s+worker$", screen);
        Assert.Matches(@"(?m)^[0-9a-f]{12} local/busybox:1\.0\s+""echo Hello from a c…""\s+.*\s+Exited \(0\) .*ago\s+hello$", screen);
        Assert.Contains("What if: Performing the operation \"Remove container\" on target \"web (", screen);
        Assert.Contains("0 containers left", screen);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "ct-demo-*").ToHashSet());
    }
}
