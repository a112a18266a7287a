using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Volumes;

/// <summary>Parses Docker's three spellings of a mount: -Volume, -Tmpfs and -Mount.</summary>
public static partial class MountArguments
{
    private static readonly HashSet<string> Propagations = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];

    [GeneratedRegex("^(size=[0-9]+[kmgKMG%]?|mode=[0-7]{3,4}|uid=[0-9]+|gid=[0-9]+|nr_inodes=[0-9]+[kmgKMG]?|noexec|exec|nosuid|suid|nodev|dev|ro|rw)$")]
    private static partial Regex TmpfsOption();

    /// <summary>
    /// -Volume: "/host/path:/dest[:opts]" binds a host path, "name:/dest[:opts]" a named volume (created on demand),
    /// "/dest" a new anonymous volume. opts: ro, rw and a propagation mode, comma-separated.
    /// </summary>
    public static MountRequest ParseVolume(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
        {
            throw Invalid(spec, "expected SOURCE:DESTINATION[:OPTIONS] or DESTINATION");
        }
        if (parts.Length == 1)
        {
            return new MountRequest { Kind = MountKind.Volume, Destination = Destination(spec, parts[0]) };
        }
        var source = parts[0];
        var readOnly = false;
        var propagation = "rprivate";
        foreach (var option in parts.Length == 3 ? parts[2].Split(',') : [])
        {
            switch (option)
            {
                case "ro": readOnly = true; break;
                case "rw": readOnly = false; break;
                // SELinux relabelling requests; there is nothing to relabel without SELinux.
                case "z" or "Z": break;
                case var p when Propagations.Contains(p): propagation = p; break;
                default: throw Invalid(spec, $"unknown option '{option}'");
            }
        }
        var isPath = source.StartsWith('/');
        if (!isPath)
        {
            ValidateVolumeName(spec, source);
        }
        return new MountRequest
        {
            Kind = isPath ? MountKind.Bind : MountKind.Volume,
            Source = isPath ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)) : source,
            Destination = Destination(spec, parts[1]),
            ReadOnly = readOnly,
            Propagation = propagation,
            CreateMissingSource = isPath,
        };
    }

    /// <summary>-Tmpfs: "/dest" or "/dest:size=64m,mode=1777".</summary>
    public static MountRequest ParseTmpfs(string spec)
    {
        var colon = spec.IndexOf(':');
        var destination = Destination(spec, colon < 0 ? spec : spec[..colon]);
        var options = colon < 0 ? [] : spec[(colon + 1)..].Split(',');
        foreach (var option in options)
        {
            if (!TmpfsOption().IsMatch(option))
            {
                throw Invalid(spec, $"'{option}' is not a tmpfs option this engine accepts (size, mode, uid, gid, nr_inodes, [no]exec, [no]suid, [no]dev, ro, rw)");
            }
        }
        return new MountRequest
        {
            Kind = MountKind.Tmpfs,
            Destination = destination,
            ReadOnly = options.LastOrDefault(o => o is "ro" or "rw") == "ro",
            TmpfsOptions = options.Where(o => o is not ("ro" or "rw")).ToList(),
        };
    }

    /// <summary>-Mount: "type=bind|volume|tmpfs,source=..,target=..[,readonly][,bind-propagation=..][,tmpfs-size=..][,tmpfs-mode=..]".</summary>
    public static MountRequest ParseMount(string spec)
    {
        string? type = null, source = null, target = null, propagation = null;
        var readOnly = false;
        var tmpfs = new List<string>();
        foreach (var field in spec.Split(','))
        {
            var eq = field.IndexOf('=');
            var key = (eq < 0 ? field : field[..eq]).Trim().ToLowerInvariant();
            var value = eq < 0 ? null : field[(eq + 1)..];
            switch (key)
            {
                case "type": type = value; break;
                case "source" or "src": source = value; break;
                case "target" or "destination" or "dst": target = value; break;
                case "readonly" or "ro":
                    readOnly = value switch
                    {
                        null or "true" or "1" => true,
                        "false" or "0" => false,
                        _ => throw Invalid(spec, $"readonly takes true or false, not '{value}'"),
                    };
                    break;
                case "bind-propagation" when value is not null && Propagations.Contains(value): propagation = value; break;
                case "tmpfs-size" when value is not null: tmpfs.Add($"size={value}"); break;
                case "tmpfs-mode" when value is not null: tmpfs.Add($"mode={value}"); break;
                // Docker copies image content into a new volume unless told not to; accepted, see docs/volumes.md.
                case "volume-nocopy": break;
                default: throw Invalid(spec, $"unknown or malformed field '{field}'");
            }
        }
        if (target is null)
        {
            throw Invalid(spec, "no target given");
        }
        switch (type)
        {
            case "bind":
                if (string.IsNullOrEmpty(source) || !source.StartsWith('/'))
                {
                    throw Invalid(spec, "a bind mount needs an absolute source path");
                }
                return new MountRequest
                {
                    Kind = MountKind.Bind, Source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)), Destination = Destination(spec, target),
                    ReadOnly = readOnly, Propagation = propagation ?? "rprivate",
                };
            case "volume":
                if (!string.IsNullOrEmpty(source))
                {
                    ValidateVolumeName(spec, source);
                }
                return new MountRequest
                {
                    Kind = MountKind.Volume, Source = string.IsNullOrEmpty(source) ? null : source, Destination = Destination(spec, target),
                    ReadOnly = readOnly, Propagation = propagation ?? "rprivate",
                };
            case "tmpfs":
                if (!string.IsNullOrEmpty(source))
                {
                    throw Invalid(spec, "a tmpfs mount takes no source");
                }
                var parsed = ParseTmpfs(tmpfs.Count == 0 ? target : $"{target}:{string.Join(',', tmpfs)}");
                return parsed with { ReadOnly = readOnly };
            default:
                throw Invalid(spec, $"type must be bind, volume or tmpfs, not '{type}'");
        }
    }

    private static string Destination(string spec, string path)
    {
        if (!path.StartsWith('/'))
        {
            throw Invalid(spec, $"the destination '{path}' is not an absolute path");
        }
        if (path.Split('/').Any(s => s == ".."))
        {
            throw Invalid(spec, $"the destination '{path}' contains '..'");
        }
        var normalized = "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "."));
        if (normalized == "/")
        {
            throw Invalid(spec, "the destination must not be '/'");
        }
        return normalized;
    }

    private static void ValidateVolumeName(string spec, string name)
    {
        try
        {
            VolumeStore.ValidateName(name);
        }
        catch (ContainerToolsException ex)
        {
            throw Invalid(spec, ex.Message.TrimEnd('.'));
        }
    }

    private static ContainerToolsException Invalid(string spec, string why) =>
        new(ErrorIds.InvalidMountSpec, $"The mount '{spec}' is not valid: {why}.", spec);
}
