using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Seccomp;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Init;

/// <summary>
/// linux.seccomp for ctinit: prepared while the host's root is still visible (the engine's precompiled
/// BUNDLE/seccomp.bpf when it matches the spec, else libseccomp mapped and the section's rules read and compiled right
/// away), loaded as late as the process's privileges allow (Program.Run). Compiled early, not at load time: by then
/// process.rlimits are in force, and an RLIMIT_AS below what a .NET process has already mapped (runtime-tools sets 1 GB)
/// leaves no room for libseccomp's or the marshaller's allocations; loading a compiled program allocates nothing.
/// </summary>
internal sealed class ContainerSeccomp
{
    private readonly SeccompSpec _spec;
    private readonly ReadOnlyMemory<byte> _compiled;

    private ContainerSeccomp(SeccompSpec spec, ReadOnlyMemory<byte> compiled)
    {
        _spec = spec;
        _compiled = compiled;
    }

    /// <summary>
    /// Null when the spec has no filter. <paramref name="spec"/> may come without the section's rules
    /// (RuntimeSpecReader.ReadWithoutSeccompRules): they are read from its text only when there is no matching program.
    /// </summary>
    /// <param name="programFile">BUNDLE/seccomp.bpf as already read (<see cref="ReadProgramFile"/>), else null: read here.</param>
    public static ContainerSeccomp? Prepare(RuntimeSpec spec, string bundle, byte[]? programFile = null)
    {
        if (spec.Linux.Seccomp is not { } seccomp) return null;
        ReadOnlyMemory<byte>? compiled = null;
        if (seccomp.Flags is not { Count: > 0 } && seccomp.Source is { } source) compiled = Matching(programFile ?? ReadProgramFile(bundle), source);
        if (compiled is not { } program)
        {
            SeccompFilter.LoadLibrary();
            if (seccomp.Source is { } text) seccomp = RuntimeSpecReader.ReadSeccomp(text);
            program = SeccompFilter.Compile(seccomp);
        }
        return new ContainerSeccomp(seccomp, program);
    }

    /// <summary>The engine's precompiled filter file in <paramref name="bundle"/>, null when there is none (or it may not be read).</summary>
    public static byte[]? ReadProgramFile(string bundle)
    {
        // open, fstat, read and close: no FileStream, whose flock and second fstat an exec would pay for too.
        try { return WholeFiles.TryRead(Path.Combine(bundle, CompiledSeccomp.FileName)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; } // a bundle the user namespace's root may not read
        catch (SystemCallException) { return null; }
    }

    /// <summary>The program within the file (its tail), not a copy of it.</summary>
    private static ReadOnlyMemory<byte>? Matching(byte[]? file, byte[] source)
    {
        if (file is null) return default(ReadOnlyMemory<byte>?);
        var program = CompiledSeccomp.Match(file, source);
        // Not a conditional expression: null would become an empty Memory through its conversion from an array.
        if (program.IsEmpty) return null;
        return file.AsMemory(file.Length - program.Length);
    }

    public void Load() => SeccompFilter.LoadCompiled(_compiled.Span, _spec.Flags);
}
