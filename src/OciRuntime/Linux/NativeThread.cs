using System.Runtime.InteropServices;
using System.Text;

namespace ContainerTools.OciRuntime.Linux;

/// <summary>
/// A detached thread made with pthread_create that runs managed code (the runtime attaches it on entry). NativeAOT's
/// Thread.Start yields in a loop until the new thread has run: on this loaded 2-core machine that cost ctmon 5-25 ms
/// per thread (hundreds of sched_yield calls) while the container's output and exit waited; pthread_create returns at
/// once. For NativeAOT helpers (ctmon); managed threads are fine everywhere else.
/// </summary>
public sealed unsafe class NativeThread
{
    private const int PthreadCreateDetached = 1;
    // glibc's pthread_attr_t is 56 bytes on x86_64 and 64 on aarch64.
    private const int AttributeSize = 64;
    private const int PrSetName = 15;
    private readonly Action _body;
    private readonly string _name;
    private readonly ManualResetEventSlim _done = new();

    private NativeThread(Action body, string name)
    {
        _body = body;
        _name = name;
    }

    /// <summary>Starts <paramref name="body"/> on a new thread named <paramref name="name"/> (at most 15 bytes show).</summary>
    public static NativeThread Start(Action body, string name, int stackSize = 128 * 1024)
    {
        var thread = new NativeThread(body, name);
        var handle = GCHandle.Alloc(thread);
        var attributes = stackalloc byte[AttributeSize];
        pthread_attr_init(attributes);
        try
        {
            pthread_attr_setstacksize(attributes, (nuint)stackSize);
            pthread_attr_setdetachstate(attributes, PthreadCreateDetached);
            nuint id;
            var error = pthread_create(&id, attributes, &Entry, GCHandle.ToIntPtr(handle));
            if (error != 0)
            {
                handle.Free();
                throw new SystemCallException("pthread_create", error);
            }
        }
        finally
        {
            pthread_attr_destroy(attributes);
        }
        return thread;
    }

    /// <summary>True once the body returned, false if <paramref name="timeout"/> passed first.</summary>
    public bool Join(TimeSpan timeout) => _done.Wait(timeout);

    [UnmanagedCallersOnly]
    private static nint Entry(nint argument)
    {
        var handle = GCHandle.FromIntPtr(argument);
        var thread = (NativeThread)handle.Target!;
        handle.Free();
        NameCurrent(thread._name);
        try { thread._body(); }
        finally { thread._done.Set(); }
        return 0;
    }

    private static void NameCurrent(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name.Length > 15 ? name[..15] : name);
        var text = stackalloc byte[bytes.Length + 1];
        bytes.CopyTo(new Span<byte>(text, bytes.Length));
        text[bytes.Length] = 0;
        Capabilities.prctl(PrSetName, (ulong)text, 0, 0, 0);
    }

    [DllImport(LibcLibrary.Name)]
    private static extern int pthread_attr_init(byte* attributes);

    [DllImport(LibcLibrary.Name)]
    private static extern int pthread_attr_destroy(byte* attributes);

    [DllImport(LibcLibrary.Name)]
    private static extern int pthread_attr_setstacksize(byte* attributes, nuint size);

    [DllImport(LibcLibrary.Name)]
    private static extern int pthread_attr_setdetachstate(byte* attributes, int state);

    [DllImport(LibcLibrary.Name)]
    private static extern int pthread_create(nuint* thread, byte* attributes, delegate* unmanaged<nint, nint> start, nint argument);
}
