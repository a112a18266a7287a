namespace ContainerTools.Runtime.Volumes;

public enum MountKind
{
    /// <summary>A host directory or file, bind-mounted.</summary>
    Bind,
    /// <summary>A named (or, with no source, anonymous) volume of the store, bind-mounted from its _data.</summary>
    Volume,
    /// <summary>A fresh tmpfs.</summary>
    Tmpfs,
}
