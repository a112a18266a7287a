using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// linux.seccomp for ctinit: prepared while the host's root is still visible (the engine's precompiled
/// BUNDLE/seccomp.bpf when it matches the spec, else libseccomp mapped to compile it), loaded as late as the
/// process's privileges allow (Program.Run).
/// </summary>
internal sealed class ContainerSeccomp
{
    private readonly SeccompSpec _spec;
    private readonly byte[]? _compiled;

    private ContainerSeccomp(SeccompSpec spec, byte[]? compiled)
    {
        _spec = spec;
        _compiled = compiled;
    }

    /// <summary>Null when the spec has no filter.</summary>
    public static ContainerSeccomp? Prepare(RuntimeSpec spec, string bundle)
    {
        if (spec.Linux.Seccomp is not { } seccomp) return null;
        var compiled = seccomp.Flags is not { Count: > 0 } && seccomp.SourceText is { } text ? ReadCompiled(Path.Combine(bundle, CompiledSeccomp.FileName), text) : null;
        if (compiled is null) SeccompFilter.LoadLibrary();
        return new ContainerSeccomp(seccomp, compiled);
    }

    private static byte[]? ReadCompiled(string path, string sourceText)
    {
        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; } // a bundle the user namespace's root may not read
        var program = CompiledSeccomp.Match(file, sourceText);
        return program.IsEmpty ? null : program.ToArray();
    }

    public void Load()
    {
        if (_compiled is not null) SeccompFilter.LoadCompiled(_compiled);
        else SeccompFilter.Load(_spec);
    }
}
