using System.Text.Json;
using ContainerTools.Runtime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Containers.Bundle;

public static class BundleReader
{
    public static RuntimeSpec Read(string bundlePath) =>
        ReadConfig(bundlePath, json => JsonSerializer.Deserialize(json, RuntimeSpecJsonContext.Default.RuntimeSpec) ?? throw new JsonException("the document is null"));

    /// <summary>The bundle's linux.resources.devices (null when it has none), read without the rest of the document.</summary>
    public static IReadOnlyList<DeviceCgroupSpec>? ReadDeviceRules(string bundlePath) =>
        ReadConfig(bundlePath, json => RuntimeSpecReader.ReadDeviceRules(json));

    private static T ReadConfig<T>(string bundlePath, Func<byte[], T> read)
    {
        var path = Path.Combine(bundlePath, BundleWriter.ConfigFileName);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerToolsException(ErrorIds.BundleNotFound, $"The bundle '{bundlePath}' has no {BundleWriter.ConfigFileName}.", bundlePath, ex);
        }
        try
        {
            return read(json);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec, $"{path} is not a valid runtime spec: {ex.Message}", path, ex);
        }
    }
}
