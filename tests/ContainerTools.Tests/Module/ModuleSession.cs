using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ContainerTools.Tests.Module;

/// <summary>
/// A hosted PowerShell engine with the built module imported and a store root of its own under a fresh temp dir;
/// Dispose removes the directory.
/// </summary>
public sealed class ModuleSession : IDisposable
{
    private readonly Runspace runspace;
    private string currentRoot;

    public ModuleSession()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ct-module-").FullName;
        StoreRoot = Path.Combine(Directory, "store");
        currentRoot = StoreRoot;
        var iss = InitialSessionState.CreateDefault2();
        runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        Run($"Import-Module '{BuiltModule.Folder}' -ErrorAction Stop").ThrowOnErrors();
    }

    /// <summary>Scratch space for archives and rootfs tarballs; the store lives in its "store" subfolder.</summary>
    public string Directory { get; }

    public string StoreRoot { get; }

    /// <summary>Points the next scripts at another store root.</summary>
    public void UseStore(string root)
    {
        currentRoot = root;
    }

    /// <summary>Runs a script; parameters become variables ($Path, ...). Never throws for errors the script writes.</summary>
    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        // $env: in a runspace is the process environment: set it for every script, not once per session.
        Environment.SetEnvironmentVariable(ContainerTools.Runtime.Storage.StoreRoot.EnvironmentVariable, currentRoot);
        using var ps = PowerShell.Create(runspace);
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            runspace.SessionStateProxy.SetVariable(name, value);
        }
        ps.AddScript(script);
        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            return new ScriptResult([], [.. ps.Streams.Error, ex.ErrorRecord], ps.Streams.Progress.ToList());
        }
        return new ScriptResult(output.ToList(), ps.Streams.Error.ToList(), ps.Streams.Progress.ToList());
    }

    public void Dispose()
    {
        runspace.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

public sealed record ScriptResult(IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<ProgressRecord> Progress)
{
    public ScriptResult ThrowOnErrors()
    {
        if (Errors.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("The script wrote errors:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        }
        return this;
    }

    public IReadOnlyList<T> Values<T>() => Output.Select(o => (T)o.BaseObject).ToList();

    public IReadOnlyList<T> Values<T>(Func<PSObject, T> view) => Output.Select(view).ToList();

    public T Property<T>(int index, string name) => (T)LanguagePrimitives.ConvertTo(Output[index].Properties[name].Value, typeof(T));

    /// <summary>The Reference ("docker.io/library/busybox:latest") of every output row, sorted.</summary>
    public IReadOnlyList<string> References() => Output.Select(o => (string)o.Properties["Reference"].Value).Order(StringComparer.Ordinal).ToList();

    public ErrorRecord SingleError()
    {
        Assert.True(Errors.Count == 1, $"expected one error, got {Errors.Count}: {string.Join("; ", Errors.Select(e => e.FullyQualifiedErrorId))}");
        return Errors[0];
    }
}
