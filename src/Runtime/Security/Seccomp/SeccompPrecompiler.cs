using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Files;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.Seccomp;

/// <summary>
/// Gives a bundle with a filter its BUNDLE/seccomp.bpf (<see cref="CompiledSeccomp"/>), so that ctinit loads a ready
/// program instead of spending tens of milliseconds in libseccomp at every start and exec. Programs live in the store,
/// STORE/seccomp/DIGEST.bpf, DIGEST being the SHA-256 of libseccomp's version and the section's exact text (which the
/// profile, the capabilities, the architecture and the kernel decide): compiled once per store, by whichever process
/// first needs one, written atomically, shared by every session, and hard-linked into each bundle (one link() per
/// create). A session remembers which file a resolved filter has, so a create neither re-reads config.json nor hashes.
/// </summary>
internal static class SeccompPrecompiler
{
    /// <summary>Per resolved filter (the same object for every default container with the same capabilities): store's cache directory to its file.</summary>
    private static readonly ConditionalWeakTable<SeccompSpec, ConcurrentDictionary<string, string>> Known = new();

    /// <summary>The store's directory of compiled filters, from a container's bundle (STORE/containers/ID/bundle).</summary>
    public static string CacheDirectoryOf(string bundleDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(bundleDirectory))!)!)!, "seccomp");

    /// <summary>After config.json is written: the filter as that file has it, compiled (or refused: a create-time error).</summary>
    public static void WriteFor(string bundleDirectory, SeccompSpec? seccomp)
    {
        var target = Path.Combine(bundleDirectory, CompiledSeccomp.FileName);
        // A rewritten bundle (another network, another filter) must not keep the old program's link.
        File.Delete(target);
        if (seccomp is null || seccomp.Flags is { Count: > 0 }) return;
        var cacheDirectory = CacheDirectoryOf(bundleDirectory);
        var files = Known.GetOrCreateValue(seccomp);
        if (files.TryGetValue(cacheDirectory, out var known) && CompiledSeccomp.TryLink(known, target)) return;
        var source = RuntimeSpecReader.ReadSeccompSource(File.ReadAllBytes(Path.Combine(bundleDirectory, BundleReader.ConfigFileName)))!;
        var file = Path.Combine(cacheDirectory, Digest(source) + ".bpf");
        if (!Matches(file, source))
        {
            // Written whole and synced before its name appears (AtomicFile): another process either finds no file or this one.
            AtomicFile.WriteAllBytes(file, CompiledSeccomp.Encode(source, Compile(seccomp)));
        }
        if (!CompiledSeccomp.TryLink(file, target)) File.Copy(file, target, overwrite: true);
        files[cacheDirectory] = file;
    }

    /// <summary>A torn, edited or foreign cache file is replaced rather than linked into every bundle (ctinit would refuse it and compile at each start).</summary>
    private static bool Matches(string file, byte[] source)
    {
        try { return !CompiledSeccomp.Match(File.ReadAllBytes(file), source).IsEmpty; }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
    }

    private static string Digest(byte[] source)
    {
        string version;
        try { version = SeccompFilter.LibraryVersion(); }
        catch (DllNotFoundException ex) { throw LibraryMissing(ex); }
        var bytes = new byte[version.Length + 1 + source.Length];
        Encoding.ASCII.GetBytes(version + "\n", bytes);
        source.CopyTo(bytes, version.Length + 1);
        return Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
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
            throw LibraryMissing(ex);
        }
    }

    private static ContainerToolsException LibraryMissing(DllNotFoundException ex) =>
        new(ErrorIds.SeccompProfileInvalid, $"libseccomp.so.2 is needed to apply a seccomp profile (install libseccomp2), or use -SecurityOption seccomp=unconfined: {ex.Message}", "libseccomp.so.2", ex);
}
