namespace ContainerTools.Runtime.Files;

/// <summary>
/// Which resolver scopes a path to the root. Auto uses openat2(RESOLVE_IN_ROOT) and falls back to
/// <see cref="InRootWalk"/> for good once the kernel answers ENOSYS; tests pick one explicitly to compare them.
/// </summary>
internal enum ResolveMode
{
    Auto,
    Openat2,
    Walk,
}
