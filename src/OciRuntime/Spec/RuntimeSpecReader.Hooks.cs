using System.Text.Json;

namespace ContainerTools.OciRuntime.Spec;

public static partial class RuntimeSpecReader
{
    private static HooksSpec Hooks(JsonElement e) => new()
    {
        Prestart = Array(e, "prestart", Hook),
        CreateRuntime = Array(e, "createRuntime", Hook),
        CreateContainer = Array(e, "createContainer", Hook),
        StartContainer = Array(e, "startContainer", Hook),
        Poststart = Array(e, "poststart", Hook),
        Poststop = Array(e, "poststop", Hook),
    };

    private static HookSpec Hook(JsonElement e) => new()
    {
        Path = String(e, "path") ?? "",
        Args = Strings(e, "args"),
        Env = Strings(e, "env"),
        Timeout = Member(e, "timeout")?.GetInt32(),
    };
}
