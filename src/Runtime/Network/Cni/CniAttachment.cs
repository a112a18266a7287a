using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>
/// What CNI calls the "attachment": one container, one namespace, one interface name. Runtime config holds the
/// dynamic arguments (portMappings...) that plugins receive only when they declare the matching capability.
/// </summary>
public sealed record CniAttachment(string ContainerId, string NetnsPath, string InterfaceName, JsonObject? RuntimeConfig = null);
