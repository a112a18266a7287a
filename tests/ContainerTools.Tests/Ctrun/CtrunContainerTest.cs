using ContainerTools.OciRuntime.Spec;
using ContainerTools.Tests.Runtime;

namespace ContainerTools.Tests.Ctrun;

/// <summary>
/// One container per test, driven through ctrun: a busybox bundle, its own --root, an id, and a cgroup beneath the
/// test's own (a relative cgroupsPath); whatever is left is force-deleted.
/// </summary>
public abstract class CtrunContainerTest : IDisposable
{
    private protected readonly BusyboxBundle _bundle = new();
    private protected readonly CtrunProcess _ctrun;
    private protected readonly string _id = "ct-" + Guid.NewGuid().ToString("N")[..10];

    private protected CtrunContainerTest() => _ctrun = new CtrunProcess(Path.Combine(_bundle.Root, "state"));

    public void Dispose()
    {
        _ctrun.Run("delete", "--force", _id);
        _bundle.Dispose();
    }

    // Its own directory beneath ours, no shared parent: test classes run in parallel, and a parent one container made
    // and another still uses could not be removed by either.
    private protected string CgroupsPath => $"ctrun-test-{_id}";

    /// <summary>The bundle's config.json: <paramref name="spec"/> in the test's cgroup.</summary>
    private protected void Write(RuntimeSpec spec) => _bundle.Write(spec with { Linux = spec.Linux with { CgroupsPath = CgroupsPath } });
}
