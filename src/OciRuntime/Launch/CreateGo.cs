using System.Buffers.Binary;
using System.Text;
using ContainerTools.OciRuntime.Linux;

namespace ContainerTools.OciRuntime.Launch;

/// <summary>
/// The go of an early new container's ctinit (<see cref="EarlyCreate"/>): on its gate, <see cref="InitProtocol.BundleWritten"/>,
/// then the length of the rest (int32 LE) and the rest: the namespaces its main thread joins (kind as its clone flag, and
/// path) and then unshares, as the launch thread does before an ordinary spawn, and the cgroup files it joins (what an
/// ordinary ctinit gets as --cgroup-join). Integers are int32 LE, strings their UTF-8 length and bytes.
/// </summary>
public sealed record CreateGo(int UnshareFlags, IReadOnlyList<(NamespaceKind Kind, string Path)> Joins, IReadOnlyList<string> CgroupJoinFiles)
{
    public byte[] Encode()
    {
        var body = new List<byte>();
        Add(body, UnshareFlags);
        Add(body, Joins.Count);
        foreach (var (kind, path) in Joins)
        {
            Add(body, Namespaces.CloneFlag(kind));
            Add(body, path);
        }
        Add(body, CgroupJoinFiles.Count);
        foreach (var file in CgroupJoinFiles) Add(body, file);
        var message = new List<byte>(body.Count + 5) { InitProtocol.BundleWritten };
        Add(message, body.Count);
        message.AddRange(body);
        return [.. message];
    }

    /// <summary>Reads what follows <see cref="InitProtocol.BundleWritten"/> on <paramref name="fd"/>; null at end-of-file (the launcher gave up).</summary>
    public static CreateGo? Read(int fd)
    {
        var length = new byte[4];
        if (!FileDescriptors.TryReadExactly(fd, length)) return null;
        var body = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
        if (!FileDescriptors.TryReadExactly(fd, body)) return null;
        var offset = 0;
        var flags = TakeInt(body, ref offset);
        var joins = new (NamespaceKind, string)[TakeInt(body, ref offset)];
        for (var i = 0; i < joins.Length; i++)
        {
            var flag = TakeInt(body, ref offset);
            joins[i] = (Namespaces.All.First(kind => Namespaces.CloneFlag(kind) == flag), TakeString(body, ref offset));
        }
        var files = new string[TakeInt(body, ref offset)];
        for (var i = 0; i < files.Length; i++) files[i] = TakeString(body, ref offset);
        return new CreateGo(flags, joins, files);
    }

    private static void Add(List<byte> to, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        to.AddRange(bytes);
    }

    private static void Add(List<byte> to, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Add(to, bytes.Length);
        to.AddRange(bytes);
    }

    private static int TakeInt(byte[] body, ref int offset)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(offset));
        offset += 4;
        return value;
    }

    private static string TakeString(byte[] body, ref int offset)
    {
        var length = TakeInt(body, ref offset);
        var value = Encoding.UTF8.GetString(body, offset, length);
        offset += length;
        return value;
    }
}
