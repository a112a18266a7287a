using System.Collections;
using System.Management.Automation;

namespace ContainerTools.Cmdlets.Common.Fleet;

/// <summary>
/// One run of a cmdlet on a host: its name and the parameters bound locally, as they travel (switches as booleans, enums
/// as names). Parameters that only make sense here stay behind: -Session, -ThrottleLimit, variable names, -Confirm (asked
/// here; the host gets -Confirm:$false), and
/// the preferences for errors, warnings and information (a host writes them all; this cmdlet applies them, so
/// -ErrorVariable and -ErrorAction Stop see every host's errors). So do objects that came from a host: they reach it
/// through the Id or Name they bound.
/// </summary>
internal sealed class RemoteCall
{
    private static readonly HashSet<string> StaysLocal = new(StringComparer.OrdinalIgnoreCase)
    {
        "Session", "ThrottleLimit", "OutVariable", "ErrorVariable", "WarningVariable", "InformationVariable",
        "PipelineVariable", "OutBuffer", "Confirm", "ProgressAction", "ErrorAction", "WarningAction", "InformationAction",
    };

    public RemoteCall(string command, IReadOnlyDictionary<string, object?> parameters)
    {
        Command = command;
        Parameters = parameters;
    }

    public string Command { get; }

    public IReadOnlyDictionary<string, object?> Parameters { get; }

    /// <param name="confirmedHere">ShouldProcess was asked here: the host runs with -Confirm:$false.</param>
    public static RemoteCall From(string command, IDictionary<string, object> bound, bool confirmedHere = false)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (confirmedHere)
        {
            parameters["Confirm"] = false;
        }
        foreach (var (name, value) in bound)
        {
            if (StaysLocal.Contains(name) || IsHostedObject(value))
            {
                continue;
            }
            parameters[name] = Travelling(value);
        }
        return new RemoteCall(command, parameters);
    }

    /// <summary>
    /// This call and <paramref name="next"/> as one, when they differ only in one list-valued parameter (the ids piped
    /// one by one): a host gets one run for all the objects routed to it.
    /// </summary>
    public RemoteCall? MergeWith(RemoteCall next)
    {
        if (next.Command != Command || next.Parameters.Count != Parameters.Count)
        {
            return null;
        }
        string? differing = null;
        foreach (var (name, value) in Parameters)
        {
            if (!next.Parameters.TryGetValue(name, out var other))
            {
                return null;
            }
            if (SameValue(value, other))
            {
                continue;
            }
            if (differing is not null || value is not object[] || other is not object[])
            {
                return null;
            }
            differing = name;
        }
        if (differing is null)
        {
            return null; // the same call twice is run twice, as it would be here
        }
        var merged = new Dictionary<string, object?>(Parameters, StringComparer.OrdinalIgnoreCase)
        {
            [differing] = ((object[])Parameters[differing]!).Concat((object[])next.Parameters[differing]!).ToArray(),
        };
        return new RemoteCall(Command, merged);
    }

    /// <summary>An object written by a fleet run: it carries the session it came from.</summary>
    internal static bool IsHostedObject(object? value) => value switch
    {
        PSObject ps => ps.Properties[HostedObjects.SessionProperty]?.Value is not null,
        object[] items => items.Length > 0 && items.All(IsHostedObject),
        _ => false,
    };

    private static object? Travelling(object? value) => value switch
    {
        null => null,
        PSObject ps when ps.BaseObject is not PSCustomObject => Travelling(ps.BaseObject),
        SwitchParameter s => s.IsPresent,
        Enum e => e.ToString(),
        string => value,
        IDictionary => value,
        Array array => array.Cast<object?>().Select(Travelling).ToArray(),
        _ => value,
    };

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (object[] x, object[] y) => x.Length == y.Length && x.Zip(y).All(p => SameValue(p.First, p.Second)),
        (IDictionary, _) or (_, IDictionary) => ReferenceEquals(a, b),
        _ => Equals(a, b),
    };
}
