using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.Runtime.Containers;
using ContainerTools.Runtime.Security;
using ContainerTools.Tests.Layers;
using ContainerTools.Tests.Lifecycle;

namespace ContainerTools.Tests.Confinement;

/// <summary>
/// The store's compiled filters (STORE/seccomp, docs/confinement.md): one program per filter text, hard-linked into
/// every bundle that has that text; and the spec's linux.seccomp stays the truth: a cached program that does not match
/// it, stale or edited, is never loaded.
/// </summary>
public sealed class SeccompCacheTests : IDisposable
{
    private readonly ContainerHost _host = new();
    private readonly string _profiles = Directory.CreateTempSubdirectory("ct-seccomp-cache-").FullName;

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_profiles, recursive: true);
    }

    private string CacheDirectory => Path.Combine(_host.RootPath, "seccomp");

    private ContainerCreateOptions Options(string script, string? profile = null) => new()
    {
        Image = "busybox",
        Command = ["sh", "-c", script],
        Confinement = new ConfinementOptions { SecurityOptions = profile is null ? [] : ["seccomp=" + profile] },
        Network = "none",
    };

    private string DenyMkdirProfile(int errno)
    {
        var path = Path.Combine(_profiles, $"deny-mkdir-{errno}.json");
        File.WriteAllText(path, $$"""
            { "defaultAction": "SCMP_ACT_ALLOW",
              "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": {{errno}} } ] }
            """);
        return path;
    }

    private string RunToEnd(Container created)
    {
        var container = _host.Store.Start(created.Id);
        _host.Store.Wait(container.Id, TimeSpan.FromSeconds(60));
        return _host.Output(container);
    }

    private static string BundleProgram(Container container) => Path.Combine(container.Paths.BundleDirectory, CompiledSeccomp.FileName);

    [Fact]
    public void ContainersWithTheSameFilterShareOneCompiledFileOfTheStore()
    {
        var first = _host.Store.Create(Options("true"));
        var second = _host.Store.Create(Options("true"));
        var unconfined = _host.Store.Create(Options("true") with { Confinement = new ConfinementOptions { SecurityOptions = ["seccomp=unconfined"] } });

        var cached = Assert.Single(Directory.GetFiles(CacheDirectory));
        Assert.EndsWith(".bpf", cached);
        Assert.Equal(3ul, (ulong)Stat.Of(cached).st_nlink); // the store's file and the two bundles' names for it
        var source = RuntimeSpecReader.ReadSeccompSource(File.ReadAllBytes(Path.Combine(first.Paths.BundleDirectory, "config.json")))!;
        Assert.False(CompiledSeccomp.Match(File.ReadAllBytes(BundleProgram(second)), source).IsEmpty);
        Assert.False(File.Exists(BundleProgram(unconfined)));

        // Removing a container unlinks its name only.
        _host.Store.Remove(first.Id, force: true);
        Assert.True(File.Exists(cached));
    }

    [Fact]
    public void AStaleCachedProgramIsNotLoaded()
    {
        var eacces = _host.Store.Create(Options("true", DenyMkdirProfile(13)));
        var enospc = _host.Store.Create(Options("mkdir /tmp/made; echo mkdir=$?", DenyMkdirProfile(28)));
        Assert.Equal(2, Directory.GetFiles(CacheDirectory).Length);

        // The ENOSPC container's cached program (and so its bundle's link to it) replaced in place by the EACCES one:
        // text and program of another filter under this filter's name.
        File.WriteAllBytes(BundleProgram(enospc), File.ReadAllBytes(BundleProgram(eacces)));

        var output = RunToEnd(enospc);

        Assert.Contains("mkdir=1", output);
        Assert.Contains("No space left on device", output);
        Assert.DoesNotContain("Permission denied", output);
    }

    [Fact]
    public void AnEditedSpecIsObeyedRatherThanTheProgramCompiledBeforeTheEdit()
    {
        var created = _host.Store.Create(Options("mkdir /tmp/made; echo mkdir=$?", DenyMkdirProfile(13)));
        var config = Path.Combine(created.Paths.BundleDirectory, "config.json");
        var edited = File.ReadAllText(config).Replace("\"errnoRet\": 13", "\"errnoRet\": 28");
        Assert.Contains("\"errnoRet\": 28", edited);
        File.WriteAllText(config, edited);

        var output = RunToEnd(created);

        Assert.Contains("No space left on device", output);
        Assert.DoesNotContain("Permission denied", output);
    }
}
