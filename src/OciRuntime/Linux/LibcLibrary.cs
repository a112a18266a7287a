namespace ContainerTools.OciRuntime.Linux;

internal static class LibcLibrary
{
    /// <summary>
    /// The real soname, as Tmds.LibC uses: "libc" makes the runtime probe libc.so first, which on glibc systems is a
    /// linker script that fails to load. ctinit binds these statically (DirectPInvoke) anyway.
    /// </summary>
    public const string Name = "libc.so.6";
}
