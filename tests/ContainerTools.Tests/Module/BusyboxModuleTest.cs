using ContainerTools.Tests.Fixtures;

namespace ContainerTools.Tests.Module;

/// <summary>
/// The base of cmdlet tests on real busybox containers: a hosted module session with its own store and busybox imported.
/// Dispose removes every container through the cmdlets and checks that none is left and nothing is left mounted under
/// the store.
/// </summary>
public abstract class BusyboxModuleTest : IDisposable
{
    protected readonly ModuleSession session = new();

    protected BusyboxModuleTest()
    {
        var archive = Path.Combine(session.Directory, "busybox.tar");
        TestImages.BuildDockerArchive(archive, "busybox:latest");
        session.Run("Import-ContainerImage -Path $Archive | Out-Null", Vars(("Archive", archive))).ThrowOnErrors();
    }

    public void Dispose()
    {
        try
        {
            session.Run("Get-Container | Remove-Container -Force").ThrowOnErrors();
            Assert.Empty(session.Run("Get-Container").ThrowOnErrors().Output);
            var root = session.StoreRoot + "/";
            Assert.DoesNotContain(File.ReadAllLines("/proc/mounts"), l => l.Split(' ')[1].StartsWith(root, StringComparison.Ordinal));
        }
        finally
        {
            session.Dispose();
        }
    }

    protected static Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);
}
