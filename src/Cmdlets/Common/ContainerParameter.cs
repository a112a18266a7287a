namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// How every cmdlet that acts on existing containers binds them: a string[] parameter named Container that takes names,
/// ids, id prefixes and name wildcards by value, and any object by property name. A Container binds through its Id
/// (so it still names the same container after a rename); other objects through Id or Name.
/// </summary>
internal static class ContainerParameter
{
    // The binder tries aliases in this order: a Container binds its Id, never its (changeable) Name.
    public const string IdAlias = "Id";
    public const string NameAlias = "Name";
}
