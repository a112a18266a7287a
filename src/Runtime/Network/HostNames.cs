using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>
/// Container names, hostnames and aliases go into other containers' /etc/hosts: anything beyond a host name's
/// alphabet (a space, a newline) would let one container plant entries in its peers' files.
/// </summary>
public static partial class HostNames
{
    [GeneratedRegex("^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,252})$")]
    private static partial Regex ValidName();

    public static void Validate(string? name, string what)
    {
        if (name is not null && !ValidName().IsMatch(name))
        {
            throw new ContainerToolsException(ErrorIds.InvalidHostName, $"The {what} '{name}' is not a valid host name: use letters, digits, '_', '.' and '-', starting with a letter or digit.", name);
        }
    }
}
