using System.Text;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.OciRuntime.Linux;
using ContainerTools.OciRuntime.Spec;

namespace ContainerTools.OciRuntime.Hooks;

/// <summary>
/// Runs a list of hooks in order, each with the container's state (JSON) on its stdin, as the runtime spec asks: the
/// path must be absolute, args[0] is argv[0], env is the whole environment, timeout kills it (SIGKILL) after so many
/// seconds. A hook that fails (or times out) stops the list with <see cref="ErrorIds.HookFailed"/>, quoting its stderr.
/// </summary>
public static class HookRunner
{
    public static void Run(string stage, IReadOnlyList<HookSpec>? hooks, ReadOnlySpan<byte> state)
    {
        foreach (var hook in hooks ?? []) RunOne(stage, hook, state);
    }

    private static void RunOne(string stage, HookSpec hook, ReadOnlySpan<byte> state)
    {
        if (!hook.Path.StartsWith('/'))
            throw Failure(stage, hook, $"its path must be absolute: '{hook.Path}'");
        if (hook.Timeout is <= 0)
            throw Failure(stage, hook, $"its timeout must be positive: {hook.Timeout}");
        var argv = hook.Args is { Count: > 0 } args ? args : [hook.Path];
        var (stdinRead, stdinWrite) = FileDescriptors.Pipe();
        var (outputRead, outputWrite) = FileDescriptors.Pipe();
        var devNull = FileDescriptors.Open("/dev/null", FileDescriptors.WriteOnly);
        int pid;
        try
        {
            var fds = new Dictionary<int, int> { [0] = stdinRead, [1] = devNull, [2] = outputWrite };
            pid = ProcessSpawn.Spawn(hook.Path, argv, hook.Env ?? [], new SpawnOptions { FileDescriptors = fds });
        }
        catch (SystemCallException ex)
        {
            FileDescriptors.Close(stdinWrite);
            FileDescriptors.Close(outputRead);
            throw Failure(stage, hook, ex.Message);
        }
        finally
        {
            FileDescriptors.Close(stdinRead);
            FileDescriptors.Close(outputWrite);
            FileDescriptors.Close(devNull);
        }

        var stderr = new StringBuilder();
        var reader = new Thread(() =>
        {
            try { stderr.Append(Encoding.UTF8.GetString(FileDescriptors.ReadToEnd(outputRead))); }
            catch (SystemCallException) { }
            finally { FileDescriptors.Close(outputRead); }
        }) { IsBackground = true, Name = "hook stderr" };
        reader.Start();
        // A hook may not read its stdin at all: then EPIPE, which is its business.
        try { FileDescriptors.WriteAll(stdinWrite, state); }
        catch (SystemCallException) { }
        finally { FileDescriptors.Close(stdinWrite); }

        var status = Wait(pid, hook.Timeout);
        reader.Join(TimeSpan.FromSeconds(1));
        if (status is null)
            throw Failure(stage, hook, $"it did not finish within its timeout of {hook.Timeout} s and was killed");
        if (status.Value.Signaled || status.Value.Code != 0)
        {
            var what = status.Value.Signaled ? $"killed by signal {status.Value.Signal}" : $"exit status {status.Value.Code}";
            var said = stderr.ToString().Trim();
            throw Failure(stage, hook, said.Length == 0 ? what : $"{what}: {said}");
        }
    }

    /// <summary>The hook's status, or null when it ran past its timeout (it is then killed and reaped).</summary>
    private static ExitStatus? Wait(int pid, int? timeoutSeconds)
    {
        if (timeoutSeconds is null) return ProcessWait.Wait(pid);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds.Value);
        var delay = 1;
        while (true)
        {
            if (ProcessWait.TryWait(pid) is { } status) return status;
            if (DateTime.UtcNow >= deadline)
            {
                ProcessSignals.TrySend(pid, ProcessSignals.SIGKILL);
                ProcessWait.Wait(pid);
                return null;
            }
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 20);
        }
    }

    private static ContainerToolsException Failure(string stage, HookSpec hook, string reason) =>
        new(ErrorIds.HookFailed, $"{stage} hook {hook.Path} failed: {reason}", hook.Path, reason: reason);
}
