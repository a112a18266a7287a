using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Volumes;

/// <summary>
/// Named volumes of one store: volumes/NAME/{volume.json,_data,users/CONTAINERID}. A user marker records each
/// container that mounts the volume, so removal can refuse a volume in use; all changes hold locks/volumes.lock.
/// </summary>
public sealed partial class VolumeStore
{
    private readonly string _directory;
    private readonly string _lock;

    public VolumeStore(StoreRoot root)
    {
        _directory = Path.Combine(root.Path, "volumes");
        _lock = Path.Combine(root.LocksDirectory, "volumes.lock");
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$")]
    private static partial Regex ValidName();

    public Volume Create(string? name = null) => Create(name, null);

    public Volume Create(string? name, IReadOnlyDictionary<string, string>? labels)
    {
        using var _ = FileLock.Acquire(_lock);
        if (name is not null && TryRead(name) is not null)
        {
            throw new ContainerToolsException(ErrorIds.VolumeAlreadyExists, $"A volume named '{name}' already exists.", name);
        }
        return CreateLocked(name, labels);
    }

    /// <summary>The volume of that name, created if missing: what -Volume name:/path does.</summary>
    public Volume GetOrCreate(string name)
    {
        using var _ = FileLock.Acquire(_lock);
        return TryRead(name) ?? CreateLocked(name);
    }

    public Volume Get(string name) => TryRead(name)
        ?? throw new ContainerToolsException(ErrorIds.VolumeNotFound, $"No volume named '{name}' exists.", name);

    public IReadOnlyList<Volume> List() =>
        !Directory.Exists(_directory)
            ? []
            : Directory.EnumerateDirectories(_directory)
                .Select(Path.GetFileName)
                .Where(n => n is not null && !n.StartsWith('.'))
                .Select(n => TryRead(n!))
                .OfType<Volume>()
                .OrderBy(v => v.Name, StringComparer.Ordinal)
                .ToList();

    /// <summary>The containers that mount the volume (by id).</summary>
    public IReadOnlyList<string> Users(string name)
    {
        Get(name);
        var dir = UsersDirectory(name);
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>().Order().ToList() : [];
    }

    /// <summary>Removes the volume and its data; refused while a container uses it unless <paramref name="force"/>.</summary>
    public void Remove(string name, bool force = false)
    {
        using var _ = FileLock.Acquire(_lock);
        Get(name);
        var users = Directory.Exists(UsersDirectory(name)) ? Directory.EnumerateFiles(UsersDirectory(name)).Select(Path.GetFileName).ToList() : [];
        if (users.Count > 0 && !force)
        {
            throw new ContainerToolsException(ErrorIds.VolumeInUse, $"The volume '{name}' is used by {users.Count} container(s) ({string.Join(", ", users)}); remove them or use -Force.", name);
        }
        // Rename first, so a crash mid-delete leaves no half-removed volume under its name.
        var doomed = Path.Combine(_directory, $".removing-{name}-{Guid.NewGuid():N}");
        Directory.Move(VolumeDirectory(name), doomed);
        DirectoryRemover.Remove(doomed);
    }

    /// <summary>Marks the container as a user of the volume; the lifecycle's mount resolution does this.</summary>
    public void AddUser(string name, string containerId)
    {
        ValidateContainerId(containerId);
        using var _ = FileLock.Acquire(_lock);
        Get(name);
        Directory.CreateDirectory(UsersDirectory(name));
        File.WriteAllBytes(Path.Combine(UsersDirectory(name), containerId), []);
    }

    /// <summary>Forgets the container on every volume; returns the anonymous volumes it leaves unused (to remove with it).</summary>
    public IReadOnlyList<string> ReleaseAll(string containerId)
    {
        ValidateContainerId(containerId);
        using var _ = FileLock.Acquire(_lock);
        var orphans = new List<string>();
        foreach (var volume in List())
        {
            var marker = Path.Combine(UsersDirectory(volume.Name), containerId);
            if (File.Exists(marker))
            {
                File.Delete(marker);
                if (volume.Anonymous && !Directory.EnumerateFiles(UsersDirectory(volume.Name)).Any())
                {
                    orphans.Add(volume.Name);
                }
            }
        }
        return orphans;
    }

    private Volume CreateLocked(string? name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var anonymous = name is null;
        name ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        ValidateName(name);
        var data = Path.Combine(VolumeDirectory(name), "_data");
        Directory.CreateDirectory(data);
        if (!OperatingSystem.IsWindows())
        {
            // Like Docker: 0755 root-owned, whatever the umask; containers chown it if they need to.
            File.SetUnixFileMode(data, (UnixFileMode)0b111_101_101);
        }
        var volume = new Volume { Name = name, Mountpoint = data, Anonymous = anonymous, Created = DateTimeOffset.UtcNow, Labels = labels is { Count: > 0 } ? labels : null };
        AtomicFile.WriteAllBytes(Path.Combine(VolumeDirectory(name), "volume.json"), OciJson.Serialize(volume));
        return volume;
    }

    private Volume? TryRead(string name)
    {
        ValidateName(name);
        var path = Path.Combine(VolumeDirectory(name), "volume.json");
        return File.Exists(path) ? OciJson.Parse<Volume>(File.ReadAllBytes(path), $"volume record '{path}'") : null;
    }

    private string VolumeDirectory(string name) => Path.Combine(_directory, name);

    private string UsersDirectory(string name) => Path.Combine(_directory, name, "users");

    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !ValidName().IsMatch(name))
        {
            throw new ContainerToolsException(ErrorIds.InvalidVolumeName, $"The volume name '{name}' is not valid: use letters, digits, '_', '.' and '-', starting with a letter or digit.", name);
        }
    }

    private static void ValidateContainerId(string containerId)
    {
        if (string.IsNullOrEmpty(containerId) || containerId[0] == '.' || !Network.ContainerIds.IsPlainToken(containerId))
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerId, $"The container id '{containerId}' is not a plain token.", containerId);
        }
    }
}
