using System.Globalization;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Security.UserNamespaces;

/// <summary>
/// -UserNamespace: "host" (the default: no user namespace, as Docker), "auto" or "auto:size=N" (Podman's
/// --userns=auto: a range of host ids no other container of the store uses).
/// </summary>
public sealed record UserNamespaceMode(bool Auto, uint Size)
{
    public const uint DefaultSize = 65536;
    public static readonly UserNamespaceMode Host = new(false, 0);

    public static UserNamespaceMode Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "host") return Host;
        if (text == "auto") return new UserNamespaceMode(true, DefaultSize);
        const string sized = "auto:size=";
        if (text.StartsWith(sized, StringComparison.Ordinal)
            && uint.TryParse(text.AsSpan(sized.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is > 0 and <= 1u << 30)
        {
            return new UserNamespaceMode(true, size);
        }
        throw new ContainerToolsException(ErrorIds.InvalidUserNamespace,
            $"The user namespace mode '{text}' is not valid: use 'host', 'auto' or 'auto:size=N' (N from 1 to 1073741824), or -UidMap/-GidMap.", text);
    }
}
