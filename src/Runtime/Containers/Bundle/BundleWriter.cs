using System.Text.Json;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Spec;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Containers.Bundle;

/// <summary>Writes a bundle's config.json (atomically: ctinit of a concurrent start sees the old file or the new).</summary>
public static class BundleWriter
{
    public const string ConfigFileName = BundleReader.ConfigFileName;

    /// <param name="durable">fsync first: a kept container's bundle must survive a power cut; one removed when its run ends need not.</param>
    public static string Write(string bundlePath, RuntimeSpec spec, bool durable = true)
    {
        var path = Path.Combine(bundlePath, ConfigFileName);
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(spec, RuntimeSpecJsonContext.Default.RuntimeSpec), durable);
        return path;
    }
}
