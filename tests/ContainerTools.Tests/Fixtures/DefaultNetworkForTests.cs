using System.Runtime.CompilerServices;
using ContainerTools.Runtime.Containers;

namespace ContainerTools.Tests.Fixtures;

/// <summary>
/// Containers of tests that do not ask for a network get loopback only: the default bridge would leave a bridge and
/// iptables rules per temporary store, and the network tests compare iptables-save before and after.
/// Tests of networking name their network explicitly.
/// </summary>
internal static class DefaultNetworkForTests
{
    [ModuleInitializer]
    internal static void Initialize() => Environment.SetEnvironmentVariable(NetworkModes.DefaultVariable, NetworkModes.None);
}
