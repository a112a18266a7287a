using Tmds.Linux;

namespace ContainerTools.Init;

internal static unsafe class Symlinks
{
    /// <summary>symlink(2): 0, or the errno (EEXIST when the name is taken by anything, a dangling link included).</summary>
    public static int TryCreate(string target, string link)
    {
        var targetBytes = System.Text.Encoding.UTF8.GetBytes(target + "\0");
        var linkBytes = System.Text.Encoding.UTF8.GetBytes(link + "\0");
        fixed (byte* t = targetBytes)
        fixed (byte* l = linkBytes)
        {
            return LibC.symlink(t, l) == 0 ? 0 : LibC.errno;
        }
    }
}
