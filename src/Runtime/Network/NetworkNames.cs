using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>Network names become file names and appear in iptables comments, so they keep to a safe alphabet.</summary>
public static partial class NetworkNames
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$")]
    private static partial Regex ValidName();

    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !ValidName().IsMatch(name))
        {
            throw new ContainerToolsException(ErrorIds.InvalidNetworkName, $"The network name '{name}' is not valid: use letters, digits, '_', '.' and '-' (up to 64, starting with a letter or digit).", name);
        }
    }
}
