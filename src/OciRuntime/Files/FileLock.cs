using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.OciRuntime.Files;

/// <summary>
/// An exclusive lock shared between processes, held on an open lock file (flock through .NET's FileShare.None).
/// Dispose releases it; a crashed holder releases it with its file descriptors.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string lockPath, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(5));
        var delay = 1;
        while (true)
        {
            try
            {
                var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new FileLock(stream);
            }
            catch (DirectoryNotFoundException)
            {
                // The locks directory is there for every lock but a store's first: made only when the open says so.
                Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException ex)
            {
                throw new ContainerToolsException(ErrorIds.StoreLockTimeout, $"Timed out waiting for the lock '{lockPath}'; another ContainerTools process holds it.", lockPath, ex);
            }
        }
    }

    /// <summary>The lock when nobody holds it, else null (without waiting).</summary>
    public static FileLock? TryAcquire(string lockPath)
    {
        try
        {
            return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
