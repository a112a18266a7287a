using System.Security.Cryptography;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Oci;

/// <summary>sha256 digests in the "sha256:hex" form that OCI documents use.</summary>
public static class Digest
{
    public const string Sha256Prefix = "sha256:";

    public static string Of(ReadOnlySpan<byte> content) => Sha256Prefix + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    public static string FromHash(byte[] hash) => Sha256Prefix + Convert.ToHexString(hash).ToLowerInvariant();

    /// <summary>The hex part of a validated sha256 digest; anything else (other algorithms, path tricks) is refused.</summary>
    public static string Hex(string digest)
    {
        if (!IsValid(digest))
        {
            throw new ContainerToolsException(ErrorIds.InvalidDigest, $"'{digest}' is not a sha256 digest.", digest);
        }
        return digest[Sha256Prefix.Length..];
    }

    public static bool IsValid(string? digest) =>
        digest is not null && digest.Length == Sha256Prefix.Length + 64 && digest.StartsWith(Sha256Prefix, StringComparison.Ordinal)
        && digest.AsSpan(Sha256Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}
