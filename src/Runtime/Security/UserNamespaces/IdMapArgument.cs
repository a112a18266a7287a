using System.Globalization;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>Podman's --uidmap/--gidmap form, "containerId:hostId:size", into one line of a uid_map or gid_map.</summary>
public static class IdMapArgument
{
    public static IdMappingSpec Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length == 3 && Number(parts[0]) is { } container && Number(parts[1]) is { } host && Number(parts[2]) is { } size and > 0
            && (ulong)container + size <= uint.MaxValue && (ulong)host + size <= uint.MaxValue)
        {
            return new IdMappingSpec { ContainerId = container, HostId = host, Size = size };
        }
        throw new ContainerToolsException(ErrorIds.InvalidIdMapping,
            $"The id mapping '{text}' is not valid: expected containerId:hostId:size, three numbers with a size above 0 (for example 0:100000:65536).", text);
    }

    /// <summary>Maps given one by one must not map two container ids, or two host ids, to one.</summary>
    public static IReadOnlyList<IdMappingSpec> ParseAll(IReadOnlyList<string> texts, string what)
    {
        var mappings = texts.Select(Parse).ToList();
        for (var i = 0; i < mappings.Count; i++)
        {
            for (var j = i + 1; j < mappings.Count; j++)
            {
                if (Overlap(mappings[i].ContainerId, mappings[j].ContainerId, mappings[i].Size, mappings[j].Size)
                    || Overlap(mappings[i].HostId, mappings[j].HostId, mappings[i].Size, mappings[j].Size))
                {
                    throw new ContainerToolsException(ErrorIds.InvalidIdMapping,
                        $"The {what} entries '{texts[i]}' and '{texts[j]}' overlap: each container id and each host id may be mapped once.", texts[j]);
                }
            }
        }
        return mappings;
    }

    internal static bool Overlap(uint a, uint b, uint sizeA, uint sizeB) => (ulong)a < (ulong)b + sizeB && (ulong)b < (ulong)a + sizeA;

    private static uint? Number(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
