using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>Container ids name endpoint files and go into CNI_CONTAINERID, so they must be plain tokens.</summary>
internal static class ContainerIds
{
    public static void Validate(string containerId)
    {
        if (string.IsNullOrEmpty(containerId) || containerId.Length > 128
            || !containerId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || containerId[0] == '.')
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerId, $"The container id '{containerId}' is not a plain token of letters, digits, '-', '_' and '.'.", containerId);
        }
    }
}
