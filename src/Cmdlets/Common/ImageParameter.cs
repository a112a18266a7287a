namespace ContainerTools.Cmdlets.Common;

/// <summary>
/// How every cmdlet that takes existing images binds them: a string[] parameter named Image that accepts names and
/// ids by value, and any object by property name. A ContainerImage binds through Reference (its row's full name, or
/// its Id when it has no name); other objects through Name or Id.
/// </summary>
internal static class ImageParameter
{
    // The binder tries aliases in this order, so a ContainerImage binds its Reference, never a null Name.
    public const string ReferenceAlias = "Reference";
    public const string NameAlias = "Name";
    public const string IdAlias = "Id";
}
