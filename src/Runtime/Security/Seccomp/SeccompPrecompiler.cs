using System.Collections.Concurrent;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.Seccomp;

/// <summary>
/// Writes BUNDLE/seccomp.bpf (<see cref="CompiledSeccomp"/>) for a bundle with a filter, so that ctinit loads a
/// ready program instead of spending tens of milliseconds in libseccomp at every start and exec. Programs are
/// compiled once per session and filter text (every default container with the same capabilities shares one).
/// </summary>
internal static class SeccompPrecompiler
{
    /// <summary>Filter text to the whole seccomp.bpf (text and program).</summary>
    private static readonly ConcurrentDictionary<string, byte[]> Files = new(StringComparer.Ordinal);

    /// <summary>After config.json is written: the filter as that file has it, compiled (or refused: a create-time error).</summary>
    public static void WriteFor(string bundleDirectory, SeccompSpec? seccomp)
    {
        var target = Path.Combine(bundleDirectory, CompiledSeccomp.FileName);
        if (seccomp is null || seccomp.Flags is { Count: > 0 })
        {
            File.Delete(target);
            return;
        }
        var text = RuntimeSpecReader.ReadSeccompText(File.ReadAllBytes(Path.Combine(bundleDirectory, BundleReader.ConfigFileName)))!;
        var file = Files.GetOrAdd(text, _ => CompiledSeccomp.Encode(text, Compile(seccomp)));
        // Renamed into place but not synced (a few ms on a busy disk at every create): a torn file after a crash
        // does not match config.json's text, and ctinit then compiles the section itself.
        var temp = target + ".tmp";
        File.WriteAllBytes(temp, file);
        File.Move(temp, target, overwrite: true);
    }

    /// <summary>An exec's bundle gets the container's program: its config.json carries the same section.</summary>
    public static void CopyInto(string containerBundle, string execBundle)
    {
        var source = Path.Combine(containerBundle, CompiledSeccomp.FileName);
        if (File.Exists(source)) File.Copy(source, Path.Combine(execBundle, CompiledSeccomp.FileName));
    }

    private static byte[] Compile(SeccompSpec seccomp)
    {
        try
        {
            return SeccompFilter.Compile(seccomp);
        }
        catch (SystemCallException ex)
        {
            throw new ContainerToolsException(ErrorIds.SeccompProfileInvalid, $"The seccomp profile cannot be compiled: {ex.Message}.", ex.Subject, ex, ex.Message);
        }
        catch (DllNotFoundException ex)
        {
            throw new ContainerToolsException(ErrorIds.SeccompProfileInvalid, $"libseccomp.so.2 is needed to apply a seccomp profile (install libseccomp2), or use -SecurityOption seccomp=unconfined: {ex.Message}", "libseccomp.so.2", ex);
        }
    }
}
