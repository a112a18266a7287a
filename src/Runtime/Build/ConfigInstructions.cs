using System.Text.Json;
using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Oci;

namespace ContainerTools.Runtime.Build;

/// <summary>
/// The instructions that only change the image config (ENV, LABEL, EXPOSE, VOLUME, USER, CMD, ENTRYPOINT, SHELL,
/// STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER), applied to a stage's state with its variables; shared by builds
/// and by commits (-Change).
/// </summary>
public static class ConfigInstructions
{
    /// <summary>Applies <paramref name="instruction"/> and returns its history text (created_by).</summary>
    public static string Apply(StageState state, Instruction instruction, ShellLexer lexer)
    {
        string Word(string raw) => lexer.ProcessWord(raw, state.Lookup);
        IReadOnlyList<string> CommandWords(CommandLine command) =>
            command.ShellForm ? [.. state.Shell, command.Words[0]] : command.Words.ToList();
        switch (instruction)
        {
            case EnvInstruction env:
            {
                var pairs = env.Variables.Select(v => (Key: Word(v.Key), Value: Word(v.Value))).ToList();
                state.Update(c =>
                {
                    var list = (IReadOnlyList<string>)(c.Env ?? []);
                    foreach (var (key, value) in pairs)
                    {
                        list = StageState.SetEnv(list, key, value);
                    }
                    return c with { Env = list };
                });
                return "ENV " + string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"));
            }
            case LabelInstruction label:
            {
                var pairs = label.Labels.Select(v => (Key: Word(v.Key), Value: Word(v.Value))).ToList();
                state.Update(c =>
                {
                    var labels = new Dictionary<string, string>(c.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                    foreach (var (key, value) in pairs)
                    {
                        labels[key] = value;
                    }
                    return c with { Labels = labels };
                });
                return "LABEL " + string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"));
            }
            case ExposeInstruction expose:
            {
                var ports = expose.Ports.SelectMany(p => lexer.ProcessWords(p, state.Lookup)).SelectMany(p => ExpandPorts(p, expose.Line)).ToList();
                state.Update(c =>
                {
                    var exposed = new Dictionary<string, JsonElement>(c.ExposedPorts ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
                    foreach (var port in ports)
                    {
                        exposed[port] = EmptyObject();
                    }
                    return c with { ExposedPorts = exposed };
                });
                return "EXPOSE map[" + string.Join(' ', ports.Select(p => p + ":{}")) + "]";
            }
            case VolumeInstruction volume:
            {
                var paths = volume.Paths.SelectMany(p => volume.JsonForm ? [Word(p)] : lexer.ProcessWords(p, state.Lookup)).ToList();
                if (paths.Any(p => p.Length == 0))
                {
                    throw DockerfileError.At(volume.Line, "VOLUME specified can not be an empty string");
                }
                state.Update(c =>
                {
                    var volumes = new Dictionary<string, JsonElement>(c.Volumes ?? new Dictionary<string, JsonElement>(), StringComparer.Ordinal);
                    foreach (var path in paths)
                    {
                        volumes[path] = EmptyObject();
                    }
                    return c with { Volumes = volumes };
                });
                return "VOLUME [" + string.Join(' ', paths) + "]";
            }
            case UserInstruction user:
            {
                var value = Word(user.User);
                state.Update(c => c with { User = value });
                return "USER " + value;
            }
            case CmdInstruction cmd:
            {
                var command = CommandWords(cmd.Command);
                state.Update(c => c with { Cmd = command });
                state.CmdSet = true;
                return "CMD " + JsonSerializer.Serialize(command);
            }
            case EntrypointInstruction entrypoint:
            {
                var command = CommandWords(entrypoint.Command);
                state.Update(c => c with { Entrypoint = command, Cmd = state.CmdSet ? c.Cmd : null });
                return "ENTRYPOINT " + JsonSerializer.Serialize(command);
            }
            case ShellInstruction shell:
                state.Update(c => c with { Shell = shell.Shell.ToList() });
                return "SHELL " + JsonSerializer.Serialize(shell.Shell);
            case StopsignalInstruction stop:
            {
                var signal = Word(stop.Signal);
                try
                {
                    Containers.SignalNames.Parse(signal);
                }
                catch (ContainerToolsException ex)
                {
                    throw DockerfileError.At(stop.Line, ex.Message, "BadSignal");
                }
                state.Update(c => c with { StopSignal = signal });
                return "STOPSIGNAL " + signal;
            }
            case HealthcheckInstruction health:
            {
                var config = Healthcheck(health, Word);
                state.Update(c => c with { Healthcheck = config });
                return "HEALTHCHECK " + (health.Test[0] == "NONE" ? "NONE" : string.Join(' ', health.Test));
            }
            case OnbuildInstruction onbuild:
            {
                var trigger = onbuild.Trigger;
                var space = trigger.IndexOfAny([' ', '\t']);
                trigger = space < 0 ? trigger.ToUpperInvariant() : trigger[..space].ToUpperInvariant() + trigger[space..];
                state.Update(c => c with { OnBuild = [.. c.OnBuild ?? [], trigger] });
                return "ONBUILD " + trigger;
            }
            case MaintainerInstruction maintainer:
                state.Config = state.Config with { Author = maintainer.Maintainer };
                return "MAINTAINER " + maintainer.Maintainer;
            default:
                throw DockerfileError.At(instruction.Line, $"{instruction.Keyword} is not allowed here", "InstructionNotAllowed");
        }
    }

    private static HealthcheckConfig Healthcheck(HealthcheckInstruction health, Func<string, string> word)
    {
        if (health.Test[0] == "NONE")
        {
            return new HealthcheckConfig { Test = ["NONE"] };
        }
        long Duration(string? raw, string flag)
        {
            if (raw is null)
            {
                return 0;
            }
            var text = word(raw);
            if (!GoDuration.TryParse(text, out var value) || value < 0)
            {
                throw DockerfileError.At(health.Line, $"--{flag}={text} is not a duration (such as 30s or 1m30s)", "BadFlag");
            }
            return value;
        }
        var retries = 0;
        if (health.Retries is { } rawRetries && (!int.TryParse(word(rawRetries), out retries) || retries < 0))
        {
            throw DockerfileError.At(health.Line, $"--retries={rawRetries} is not a count", "BadFlag");
        }
        return new HealthcheckConfig
        {
            Test = health.Test.ToList(),
            Interval = Duration(health.Interval, "interval"),
            Timeout = Duration(health.Timeout, "timeout"),
            StartPeriod = Duration(health.StartPeriod, "start-period"),
            StartInterval = Duration(health.StartInterval, "start-interval"),
            Retries = retries,
        };
    }

    /// <summary>"80" -> "80/tcp"; "8000-8002/udp" -> each port.</summary>
    private static IEnumerable<string> ExpandPorts(string spec, DockerfileLine line)
    {
        var slash = spec.IndexOf('/');
        var protocol = slash < 0 ? "tcp" : spec[(slash + 1)..].ToLowerInvariant();
        var range = slash < 0 ? spec : spec[..slash];
        var dash = range.IndexOf('-');
        if (protocol is not ("tcp" or "udp" or "sctp")
            || !int.TryParse(dash < 0 ? range : range[..dash], out var first)
            || !int.TryParse(dash < 0 ? range : range[(dash + 1)..], out var last)
            || first < 1 || last > 65535 || last < first)
        {
            throw DockerfileError.At(line, $"invalid port '{spec}'", "BadPort");
        }
        for (var port = first; port <= last; port++)
        {
            yield return $"{port}/{protocol}";
        }
    }

    private static JsonElement EmptyObject() => JsonDocument.Parse("{}").RootElement.Clone();

}
