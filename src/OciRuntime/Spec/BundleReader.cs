using System.Text.Json;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Spec;

public static class BundleReader
{
    /// <summary>The runtime spec's file in a bundle.</summary>
    public const string ConfigFileName = "config.json";

    public static RuntimeSpec Read(string bundlePath) =>
        ReadConfig(bundlePath, json => RuntimeSpecReader.Read(json));

    /// <summary>All but linux.seccomp's rules (<see cref="RuntimeSpecReader.ReadWithoutSeccompRules"/>): for the launcher, which does not load the filter.</summary>
    public static RuntimeSpec ReadWithoutSeccompRules(string bundlePath) =>
        ReadConfig(bundlePath, json => RuntimeSpecReader.ReadWithoutSeccompRules(json));

    /// <summary>The bundle's linux.resources.devices (null when it has none), read without the rest of the document.</summary>
    public static IReadOnlyList<DeviceCgroupSpec>? ReadDeviceRules(string bundlePath) =>
        ReadConfig(bundlePath, json => RuntimeSpecReader.ReadDeviceRules(json));

    private static T ReadConfig<T>(string bundlePath, Func<byte[], T> read)
    {
        var path = Path.Combine(bundlePath, ConfigFileName);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ContainerToolsException(ErrorIds.BundleNotFound, $"The bundle '{bundlePath}' has no {ConfigFileName}.", bundlePath, ex);
        }
        return Parse(json, path, read);
    }

    /// <summary>A config.json's bytes, read as <see cref="Read"/> does (<paramref name="path"/> names the file in its errors).</summary>
    public static RuntimeSpec Parse(byte[] json, string path) => Parse(json, path, bytes => RuntimeSpecReader.Read(bytes));

    private static T Parse<T>(byte[] json, string path, Func<byte[], T> read)
    {
        try
        {
            return read(json);
        }
        catch (RuntimeSpecFieldNotSupportedException ex)
        {
            throw new ContainerToolsException(ErrorIds.RuntimeSpecFieldNotSupported, $"{path}: {ex.Message}.", ex.Field, ex);
        }
        catch (JsonException ex)
        {
            throw new ContainerToolsException(ErrorIds.InvalidRuntimeSpec, $"{path} is not a valid runtime spec: {ex.Message}", path, ex);
        }
    }
}
