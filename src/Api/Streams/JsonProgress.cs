using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Runtime.Images;

namespace ContainerTools.Api.Streams;

/// <summary>
/// Docker's JSON message stream (pull, push, load, build): one object per line, {"status","id"} for progress,
/// {"stream"} for text, {"errorDetail","error"} for the failure that ends it. Safe from several threads (parallel layer downloads).
/// </summary>
internal sealed class JsonProgress(ChunkedResponseStream stream) : IProgress<ImageProgress>
{
    private readonly object _gate = new();
    public bool ClientGone { get; private set; }

    public void Report(ImageProgress value) =>
        Send(new { status = value.Status, id = value.LayerDigest is { } d ? Short(d) : null });

    public void Status(string status, string? id = null) => Send(new { status, id });

    public void Text(string text) => Send(new { stream = text });

    public void Aux(object aux) => Send(new { aux });

    public void Error(string message) => Send(new { errorDetail = new { message }, error = message });

    public void Send(object message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, ApiJson.Output);
        lock (_gate)
        {
            if (ClientGone) return;
            try
            {
                stream.Write(bytes);
                stream.Write("\r\n"u8);
            }
            catch (IOException) { ClientGone = true; }
        }
    }

    public void End()
    {
        lock (_gate)
        {
            if (ClientGone) return;
            try { stream.End(); }
            catch (IOException) { ClientGone = true; }
        }
    }

    private static string Short(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length >= 19 ? digest.Substring(7, 12) : digest;
}
