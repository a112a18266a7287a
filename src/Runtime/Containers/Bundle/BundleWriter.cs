using System.Text.Json;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Containers.Bundle;

/// <summary>Writes a bundle's config.json (atomically: ctinit of a concurrent start sees the old file or the new).</summary>
public static class BundleWriter
{
    public const string ConfigFileName = BundleReader.ConfigFileName;

    public static string Write(string bundlePath, RuntimeSpec spec)
    {
        var path = Path.Combine(bundlePath, ConfigFileName);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec));
        return path;
    }
}
