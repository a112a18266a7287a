namespace ContainerTools.Tests.Module;

/// <summary>
/// $env:CONTAINERTOOLS_ROOT in a hosted runspace is the process environment, so the tests that drive the cmdlets run
/// one at a time in this collection (each with its own store root); they still run in parallel with other collections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ModuleCollection
{
    public const string Name = "Module";
}
