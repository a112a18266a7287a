using System.Text;
using System.Text.Json;

namespace ContainerTools.Ctrun;

/// <summary>
/// --log FILE and --log-format text|json: conmon and podman read a failed call's reason from this file (json lines
/// like runc's: level, msg, time). Without --log, messages go to stderr.
/// </summary>
internal sealed class RuntimeLog
{
    private readonly string? _path;
    private readonly bool _json;
    private readonly bool _debug;

    public RuntimeLog(string? path, string format, bool debug)
    {
        if (format is not ("text" or "json")) throw new CtrunError($"invalid log-format: {format}");
        _path = string.IsNullOrEmpty(path) ? null : path;
        _json = format == "json";
        _debug = debug;
    }

    public static RuntimeLog Stderr { get; } = new(null, "text", false);

    public void Debug(string message)
    {
        if (_debug) Write("debug", message);
    }

    public void Warning(string message) => Write("warning", message);

    public void Error(string message)
    {
        Write("error", message);
        // runc prints the error on stderr too, where a person running it by hand sees it.
        if (_path is not null) Console.Error.WriteLine($"ctrun: {message}");
    }

    private void Write(string level, string message)
    {
        var time = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        string line;
        if (_json)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteString("level", level);
                writer.WriteString("msg", message);
                writer.WriteString("time", time);
                writer.WriteEndObject();
            }
            line = Encoding.UTF8.GetString(stream.ToArray());
        }
        else line = $"time=\"{time}\" level={level} msg=\"{message.Replace("\"", "\\\"")}\"";
        if (_path is null) { Console.Error.WriteLine(_json ? line : $"ctrun: {message}"); return; }
        try { File.AppendAllText(_path, line + "\n"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"ctrun: {message}"); }
    }
}
