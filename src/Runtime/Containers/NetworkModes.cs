using ContainerTools.Runtime.Network;

namespace ContainerTools.Runtime.Containers;

/// <summary>What a container's Network setting can be besides a network's name.</summary>
public static class NetworkModes
{
    /// <summary>Its own network namespace with only loopback.</summary>
    public const string None = "none";
    /// <summary>The host's network namespace.</summary>
    public const string Host = "host";
    /// <summary>The default bridge network (Docker's "bridge"), created on first use.</summary>
    public const string Bridge = ContainerNetwork.DefaultName;

    /// <summary>Read when neither the options nor the store say otherwise; lets a test run or a CI host keep containers off the bridge.</summary>
    public const string DefaultVariable = "CONTAINERTOOLS_DEFAULT_NETWORK";

    /// <summary>True for a network attached through CNI (the default bridge or a user network).</summary>
    public static bool IsAttached(string network) => network is not (None or Host);
}
