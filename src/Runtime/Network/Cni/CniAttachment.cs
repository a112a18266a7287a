using System.Text.Json.Nodes;

namespace ContainerTools.Runtime.Network.Cni;

/// <summary>
/// What CNI calls the "attachment": one container, one namespace, one interface name. Runtime config holds the
/// dynamic arguments (portMappings...) that plugins receive only when they declare the matching capability.
/// ToolPath, when given, is the whole PATH the plugins get (which iptables-like tools they find); otherwise the
/// caller's PATH with the sbin directories added.
/// </summary>
public sealed record CniAttachment(string ContainerId, string NetnsPath, string InterfaceName, JsonObject? RuntimeConfig = null, string? ToolPath = null);
