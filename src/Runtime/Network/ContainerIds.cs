using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Network;

/// <summary>Container ids name endpoint files and go into CNI_CONTAINERID, so they must be plain tokens.</summary>
internal static class ContainerIds
{
    public static void Validate(string containerId)
    {
        if (string.IsNullOrEmpty(containerId) || containerId.Length > 128
            || !IsPlainToken(containerId) || containerId[0] == '.')
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerId, $"The container id '{containerId}' is not a plain token of letters, digits, '-', '_' and '.'.", containerId);
        }
    }

    private static readonly System.Buffers.SearchValues<char> TokenCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_.");

    /// <summary>Only ASCII letters, digits, '-', '_' and '.'.</summary>
    internal static bool IsPlainToken(string text) => !text.AsSpan().ContainsAnyExcept(TokenCharacters);
}
