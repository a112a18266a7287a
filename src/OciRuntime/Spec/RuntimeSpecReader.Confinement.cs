using System.Runtime.InteropServices;
using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

/// <summary>The confinement sections of config.json: linux.seccomp and linux.sysctl.</summary>
public static partial class RuntimeSpecReader
{
    private static SeccompSpec Seccomp(JsonElement e, bool rules) => new()
    {
        Source = RawUtf8(e),
        DefaultAction = String(e, "defaultAction") ?? throw new JsonException("\"linux.seccomp.defaultAction\" is required"),
        DefaultErrnoRet = Member(e, "defaultErrnoRet")?.GetUInt32(),
        Architectures = Strings(e, "architectures"),
        Flags = Strings(e, "flags"),
        Syscalls = !rules ? null : Array(e, "syscalls", s => new SeccompSyscallSpec
        {
            Names = Strings(s, "names") ?? [],
            Action = String(s, "action") ?? throw new JsonException("\"linux.seccomp.syscalls[].action\" is required"),
            ErrnoRet = Member(s, "errnoRet")?.GetUInt32(),
            Args = Array(s, "args", a => new SeccompArgSpec
            {
                Index = UInt(a, "index"),
                Value = ULong(a, "value"),
                ValueTwo = ULong(a, "valueTwo"),
                Op = String(a, "op") ?? throw new JsonException("\"linux.seccomp.syscalls[].args[].op\" is required"),
            }),
        }),
    };

    /// <summary>linux.seccomp's UTF-8 text as it stands in <paramref name="json"/>, null when absent (what <see cref="SeccompSpec.Source"/> holds).</summary>
    public static byte[]? ReadSeccompSource(ReadOnlyMemory<byte> json) =>
        Parse(json, root => Object(root, "linux") is { } linux && Object(linux, "seccomp") is { } seccomp ? RawUtf8(seccomp) : null);

    /// <summary>A linux.seccomp section on its own (<see cref="SeccompSpec.Source"/>), rules and all.</summary>
    public static SeccompSpec ReadSeccomp(ReadOnlyMemory<byte> section) => Parse(section, e => Seccomp(e, rules: true));

    /// <summary>The element's text as the document has it: one copy of its bytes, not a string made and encoded back.</summary>
    private static byte[] RawUtf8(JsonElement e) => JsonMarshal.GetRawUtf8Value(e).ToArray();

    private static Dictionary<string, string> Sysctl(JsonElement e)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject()) values[property.Name] = property.Value.GetString() ?? "";
        return values;
    }
}
