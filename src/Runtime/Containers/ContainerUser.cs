using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Containers;

/// <summary>Turns Docker's USER ("uid", "uid:gid", "name", "name:group") into numeric ids using the image's /etc/passwd and /etc/group.</summary>
internal static class ContainerUser
{
    public static (uint Uid, uint Gid) Resolve(string? user, IReadOnlyList<string> layersLowestFirst)
    {
        if (string.IsNullOrEmpty(user)) return (0, 0);
        var colon = user.IndexOf(':');
        var userPart = colon < 0 ? user : user.Substring(0, colon);
        var groupPart = colon < 0 ? null : user.Substring(colon + 1);

        uint uid;
        uint? primaryGid = null;
        if (uint.TryParse(userPart, out var numericUid))
        {
            uid = numericUid;
            var entry = FindEntry(layersLowestFirst, "etc/passwd", fields => fields[2] == userPart);
            if (entry is not null && uint.TryParse(entry[3], out var g)) primaryGid = g;
        }
        else
        {
            var entry = FindEntry(layersLowestFirst, "etc/passwd", fields => fields[0] == userPart)
                ?? throw new ContainerToolsException(ErrorIds.UserNotFound, $"The user '{userPart}' is not in the image's /etc/passwd.", user);
            uid = uint.Parse(entry[2]);
            primaryGid = uint.Parse(entry[3]);
        }

        uint gid;
        if (groupPart is null) gid = primaryGid ?? 0;
        else gid = GroupId(groupPart, layersLowestFirst, user);
        return (uid, gid);
    }

    /// <summary>A gid, or a group name looked up in the image's /etc/group (-GroupAdd, USER name:group).</summary>
    public static uint GroupId(string group, IReadOnlyList<string> layersLowestFirst, object? target = null)
    {
        if (uint.TryParse(group, out var numericGid)) return numericGid;
        var entry = FindEntry(layersLowestFirst, "etc/group", fields => fields[0] == group)
            ?? throw new ContainerToolsException(ErrorIds.GroupNotFound, $"The group '{group}' is not in the image's /etc/group.", target ?? group);
        return uint.Parse(entry[2]);
    }

    /// <summary>
    /// The process user with the supplementary groups Docker gives it: every group of the image's /etc/group that lists
    /// the user's name as a member (besides the primary group).
    /// </summary>
    public static OciRuntime.Spec.UserSpec WithGroups(uint uid, uint gid, IReadOnlyList<string> layersLowestFirst)
    {
        var name = NameOf(uid, layersLowestFirst);
        var groups = name is null ? [] : MemberGroups(name, layersLowestFirst).Where(g => g != gid).Distinct().ToList();
        return new OciRuntime.Spec.UserSpec { Uid = uid, Gid = gid, AdditionalGids = groups.Count == 0 ? null : groups };
    }

    private static IEnumerable<uint> MemberGroups(string name, IReadOnlyList<string> layersLowestFirst) =>
        (Lines(layersLowestFirst, "etc/group") ?? [])
            .Select(line => line.Split(':'))
            .Where(fields => fields.Length >= 4 && fields[3].Split(',').Contains(name) && uint.TryParse(fields[2], out _))
            .Select(fields => uint.Parse(fields[2]))
            .ToList();

    /// <summary>The user name of <paramref name="uid"/> in the image's /etc/passwd, or null.</summary>
    public static string? NameOf(uint uid, IReadOnlyList<string> layersLowestFirst) =>
        FindEntry(layersLowestFirst, "etc/passwd", fields => fields[2] == uid.ToString())?[0];

    // The highest layer that has the file wins, as in the merged root filesystem.
    private static string[]? FindEntry(IReadOnlyList<string> layersLowestFirst, string file, Func<string[], bool> match) =>
        Lines(layersLowestFirst, file)?
            .Select(line => line.Split(':'))
            .FirstOrDefault(fields => fields.Length >= 4 && match(fields));

    /// <summary>
    /// The file's lines in the highest layer that has it; null when none has it, or when that layer deleted it (a
    /// whiteout, the character device 0:0 a layer directory holds for a removed file, cannot be read: ENXIO).
    /// </summary>
    private static List<string>? Lines(IReadOnlyList<string> layersLowestFirst, string file)
    {
        foreach (var layer in layersLowestFirst.Reverse())
        {
            var path = Path.Combine(layer, file);
            if (!File.Exists(path)) continue;
            try { return File.ReadLines(path).ToList(); }
            catch (IOException) { return null; }
        }
        return null;
    }
}
