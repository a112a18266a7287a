using System.Runtime.InteropServices;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>setdomainname(2): the spec's domainname, in the container's own uts namespace.</summary>
public static unsafe class DomainName
{
    public static void Set(string name)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
            if (setdomainname(p, (nuint)bytes.Length) != 0) throw new SystemCallException("setdomainname", Marshal.GetLastPInvokeError(), name);
    }

    [DllImport(LibcLibrary.Name, SetLastError = true)] private static extern int setdomainname(byte* name, nuint length);
}
