using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.Runtime.Files;

/// <summary>The entry names of a directory we hold an fd for, in ordinal order so copies and archives are repeatable.</summary>
internal static class DirectoryNames
{
    public static List<string> List(int dirFd)
    {
        // Through /proc/self/fd the listing is of exactly the directory the fd holds, whatever its path is now.
        var names = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(FileDescriptors.ProcPath(dirFd, ".")))
        {
            names.Add(Path.GetFileName(entry));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
