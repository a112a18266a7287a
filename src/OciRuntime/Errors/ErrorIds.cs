namespace ContainerTools.OciRuntime.Errors;

/// <summary>
/// The catalog of every error id the engine reports: one place to see them, and typed so that front ends (cmdlets,
/// the coming API server) map them without matching strings. Kinds become ErrorCategories; exit codes are docker's
/// (125 unless said otherwise).
/// </summary>
public static class ErrorIds
{
    public static readonly ErrorId AliasesNeedNetwork = new("AliasesNeedNetwork", ErrorKind.InvalidArgument);
    public static readonly ErrorId AlreadyConnected = new("AlreadyConnected", ErrorKind.AlreadyExists);
    public static readonly ErrorId AmbiguousContainerId = new("AmbiguousContainerId", ErrorKind.InvalidArgument);
    public static readonly ErrorId AmbiguousImageId = new("AmbiguousImageId", ErrorKind.InvalidArgument);
    public static readonly ErrorId ArchiveEntryTooLarge = new("ArchiveEntryTooLarge", ErrorKind.InvalidData);
    public static readonly ErrorId ArchiveNotFound = new("ArchiveNotFound", ErrorKind.NotFound);
    public static readonly ErrorId AttachFailed = new("AttachFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId BadIgnorePattern = new("BadIgnorePattern", ErrorKind.InvalidData);
    public static readonly ErrorId BadSubstitution = new("BadSubstitution", ErrorKind.InvalidData);
    public static readonly ErrorId BindSourceNotFound = new("BindSourceNotFound", ErrorKind.NotFound);
    public static readonly ErrorId BlobNotFound = new("BlobNotFound", ErrorKind.NotFound);
    public static readonly ErrorId BlobNotFoundInRegistry = new("BlobNotFoundInRegistry", ErrorKind.NotFound);
    public static readonly ErrorId BuildStepFailed = new("BuildStepFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId BundleNotFound = new("BundleNotFound", ErrorKind.NotFound);
    public static readonly ErrorId CannotCopyDirectoryOntoFile = new("CannotCopyDirectoryOntoFile", ErrorKind.InvalidOperation);
    public static readonly ErrorId CannotOverwriteDirectoryWithNonDirectory = new("CannotOverwriteDirectoryWithNonDirectory", ErrorKind.InvalidOperation);
    public static readonly ErrorId CannotOverwriteNonDirectoryWithDirectory = new("CannotOverwriteNonDirectoryWithDirectory", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupControllerUnavailable = new("CgroupControllerUnavailable", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId CgroupCreateFailed = new("CgroupCreateFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupDeleteFailed = new("CgroupDeleteFailed", ErrorKind.InUse);
    public static readonly ErrorId CgroupDeviceFilterFailed = new("CgroupDeviceFilterFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupExists = new("CgroupExists", ErrorKind.AlreadyExists);
    public static readonly ErrorId CgroupFreezeFailed = new("CgroupFreezeFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupKillFailed = new("CgroupKillFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupWriteFailed = new("CgroupWriteFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId CgroupsUnavailable = new("CgroupsUnavailable", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId ChangeNotAllowed = new("ChangeNotAllowed", ErrorKind.InvalidArgument);
    public static readonly ErrorId CleanupNotFound = new("CleanupNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ContainerExecFailed = new("ContainerExecFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerExitUnknown = new("ContainerExitUnknown", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerInitNotFound = new("ContainerInitNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ContainerMountBusy = new("ContainerMountBusy", ErrorKind.InUse);
    public static readonly ErrorId ContainerNameInUse = new("ContainerNameInUse", ErrorKind.AlreadyExists);
    public static readonly ErrorId ContainerNotFound = new("ContainerNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ContainerNotInteractive = new("ContainerNotInteractive", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerNotPaused = new("ContainerNotPaused", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerNotRunning = new("ContainerNotRunning", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerPathNotFound = new("ContainerPathNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ContainerPaused = new("ContainerPaused", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerRunning = new("ContainerRunning", ErrorKind.InUse);
    public static readonly ErrorId ContainerStartFailed = new("ContainerStartFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContainerStopFailed = new("ContainerStopFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId ContextNotFound = new("ContextNotFound", ErrorKind.NotFound);
    public static readonly ErrorId CorruptArchive = new("CorruptArchive", ErrorKind.InvalidData);
    public static readonly ErrorId CorruptLayer = new("CorruptLayer", ErrorKind.InvalidData);
    public static readonly ErrorId DigestMismatch = new("DigestMismatch", ErrorKind.InvalidData);
    public static readonly ErrorId DirectoryNotFound = new("DirectoryNotFound", ErrorKind.NotFound);
    public static readonly ErrorId DockerfileNotFound = new("DockerfileNotFound", ErrorKind.NotFound);
    public static readonly ErrorId DuplicateMountPoint = new("DuplicateMountPoint", ErrorKind.InvalidArgument);
    public static readonly ErrorId EmptyArchive = new("EmptyArchive", ErrorKind.InvalidData);
    public static readonly ErrorId EndpointAlreadyExists = new("EndpointAlreadyExists", ErrorKind.AlreadyExists);
    public static readonly ErrorId EndpointNotFound = new("EndpointNotFound", ErrorKind.NotFound);
    public static readonly ErrorId GroupNotFound = new("GroupNotFound", ErrorKind.InvalidArgument);
    public static readonly ErrorId HookFailed = new("HookFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId HostNetworkCannotConnect = new("HostNetworkCannotConnect", ErrorKind.InvalidOperation);
    public static readonly ErrorId RestartPolicyWithAutoRemove = new("RestartPolicyWithAutoRemove", ErrorKind.InvalidArgument);
    public static readonly ErrorId NoHealthCheck = new("NoHealthCheck", ErrorKind.InvalidOperation);
    public static readonly ErrorId ImageInUse = new("ImageInUse", ErrorKind.InUse);
    public static readonly ErrorId ImageNotFound = new("ImageNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ImageNotFoundInRegistry = new("ImageNotFoundInRegistry", ErrorKind.NotFound);
    public static readonly ErrorId InitNotFound = new("InitNotFound", ErrorKind.NotFound);
    public static readonly ErrorId InvalidAuthChallenge = new("InvalidAuthChallenge", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidCapability = new("InvalidCapability", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidCgroupName = new("InvalidCgroupName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidContainerId = new("InvalidContainerId", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidContainerName = new("InvalidContainerName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidContainerState = new("InvalidContainerState", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidRestartPolicy = new("InvalidRestartPolicy", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidStopTimeout = new("InvalidStopTimeout", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidDuration = new("InvalidDuration", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidHealthCheck = new("InvalidHealthCheck", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidLogOptions = new("InvalidLogOptions", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidCredentialFile = new("InvalidCredentialFile", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidDeviceMapping = new("InvalidDeviceMapping", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidDeviceRule = new("InvalidDeviceRule", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidDigest = new("InvalidDigest", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidDocument = new("InvalidDocument", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidGateway = new("InvalidGateway", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidHolderId = new("InvalidHolderId", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidHostName = new("InvalidHostName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidImageReference = new("InvalidImageReference", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidInterfaceName = new("InvalidInterfaceName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidMountSpec = new("InvalidMountSpec", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidNetwork = new("InvalidNetwork", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidNetworkConfig = new("InvalidNetworkConfig", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidNetworkName = new("InvalidNetworkName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidNetworkNamespace = new("InvalidNetworkNamespace", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidNetworkPlugin = new("InvalidNetworkPlugin", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidPath = new("InvalidPath", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidPlatform = new("InvalidPlatform", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidPortMapping = new("InvalidPortMapping", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidRegistryConfig = new("InvalidRegistryConfig", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidRegistryResponse = new("InvalidRegistryResponse", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidIdMapping = new("InvalidIdMapping", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidUserNamespace = new("InvalidUserNamespace", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidRuntimeSpec = new("InvalidRuntimeSpec", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidSecurityOption = new("InvalidSecurityOption", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidSignal = new("InvalidSignal", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidSubnet = new("InvalidSubnet", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidSysctl = new("InvalidSysctl", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidTokenResponse = new("InvalidTokenResponse", ErrorKind.InvalidData);
    public static readonly ErrorId InvalidUlimit = new("InvalidUlimit", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidVolumeName = new("InvalidVolumeName", ErrorKind.InvalidArgument);
    public static readonly ErrorId InvalidWorkingDirectory = new("InvalidWorkingDirectory", ErrorKind.InvalidArgument);
    public static readonly ErrorId LayerCountMismatch = new("LayerCountMismatch", ErrorKind.InvalidData);
    public static readonly ErrorId LayerNotFound = new("LayerNotFound", ErrorKind.NotFound);
    public static readonly ErrorId ManifestNotFound = new("ManifestNotFound", ErrorKind.InvalidData);
    public static readonly ErrorId MissingArchiveEntry = new("MissingArchiveEntry", ErrorKind.InvalidData);
    public static readonly ErrorId MonitorNotFound = new("MonitorNotFound", ErrorKind.NotFound);
    public static readonly ErrorId MonitorStartFailed = new("MonitorStartFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId NetworkAlreadyExists = new("NetworkAlreadyExists", ErrorKind.AlreadyExists);
    public static readonly ErrorId NetworkInUse = new("NetworkInUse", ErrorKind.InUse);
    public static readonly ErrorId NetworkNamespaceNotFound = new("NetworkNamespaceNotFound", ErrorKind.NotFound);
    public static readonly ErrorId NetworkNotFound = new("NetworkNotFound", ErrorKind.NotFound);
    public static readonly ErrorId NetworkPluginFailed = new("NetworkPluginFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId NetworkPluginNotFound = new("NetworkPluginNotFound", ErrorKind.NotFound);
    public static readonly ErrorId NetworkRulesFailed = new("NetworkRulesFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId NoCommand = new("NoCommand", ErrorKind.InvalidArgument);
    public static readonly ErrorId NoDockerfile = new("NoDockerfile", ErrorKind.InvalidArgument);
    public static readonly ErrorId NoImageToExport = new("NoImageToExport", ErrorKind.InvalidArgument);
    public static readonly ErrorId NotADirectory = new("NotADirectory", ErrorKind.InvalidArgument);
    public static readonly ErrorId NotATerminal = new("NotATerminal", ErrorKind.InvalidOperation);
    public static readonly ErrorId NotConnected = new("NotConnected", ErrorKind.NotFound);
    public static readonly ErrorId PathNotFound = new("PathNotFound", ErrorKind.NotFound);
    public static readonly ErrorId PermissionDenied = new("PermissionDenied", ErrorKind.PermissionDenied);
    public static readonly ErrorId PlatformNotFound = new("PlatformNotFound", ErrorKind.NotFound);
    public static readonly ErrorId PlatformNotFoundInRegistry = new("PlatformNotFoundInRegistry", ErrorKind.NotFound);
    public static readonly ErrorId PlatformNotSupported = new("PlatformNotSupported", ErrorKind.InvalidArgument);
    public static readonly ErrorId PortAlreadyAllocated = new("PortAlreadyAllocated", ErrorKind.InUse);
    public static readonly ErrorId PortsNeedNetwork = new("PortsNeedNetwork", ErrorKind.InvalidArgument);
    public static readonly ErrorId PortsOnInternalNetwork = new("PortsOnInternalNetwork", ErrorKind.InvalidArgument);
    public static readonly ErrorId PushTargetRequired = new("PushTargetRequired", ErrorKind.InvalidArgument);
    public static readonly ErrorId RegistryAccessDenied = new("RegistryAccessDenied", ErrorKind.PermissionDenied);
    public static readonly ErrorId RegistryAuthenticationFailed = new("RegistryAuthenticationFailed", ErrorKind.AuthenticationError);
    public static readonly ErrorId RegistryConfigNotFound = new("RegistryConfigNotFound", ErrorKind.NotFound);
    public static readonly ErrorId RegistryConnectionFailed = new("RegistryConnectionFailed", ErrorKind.ConnectionError);
    public static readonly ErrorId RegistryRequestFailed = new("RegistryRequestFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId RegistryResponseTooLarge = new("RegistryResponseTooLarge", ErrorKind.InvalidData);
    public static readonly ErrorId RegistryUnavailable = new("RegistryUnavailable", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId RootFsMountFailed = new("RootFsMountFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId RootfsNotFound = new("RootfsNotFound", ErrorKind.NotFound);
    public static readonly ErrorId RuntimeSpecFieldNotSupported = new("RuntimeSpecFieldNotSupported", ErrorKind.InvalidData);
    public static readonly ErrorId SeccompProfileInvalid = new("SeccompProfileInvalid", ErrorKind.InvalidData);
    public static readonly ErrorId SeccompProfileNotFound = new("SeccompProfileNotFound", ErrorKind.NotFound);
    public static readonly ErrorId StageNotFound = new("StageNotFound", ErrorKind.NotFound);
    public static readonly ErrorId StoreLockTimeout = new("StoreLockTimeout", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId StoreMountBusy = new("StoreMountBusy", ErrorKind.InUse);
    public static readonly ErrorId StoreResetFailed = new("StoreResetFailed", ErrorKind.InvalidOperation);
    public static readonly ErrorId SubnetInUse = new("SubnetInUse", ErrorKind.InUse);
    public static readonly ErrorId SubnetPoolExhausted = new("SubnetPoolExhausted", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId TagWithAllTags = new("TagWithAllTags", ErrorKind.InvalidArgument);
    public static readonly ErrorId TooManySymlinks = new("TooManySymlinks", ErrorKind.InvalidArgument);
    public static readonly ErrorId UnbalancedQuotes = new("UnbalancedQuotes", ErrorKind.InvalidData);
    public static readonly ErrorId UnknownArchiveFormat = new("UnknownArchiveFormat", ErrorKind.InvalidData);
    public static readonly ErrorId UnknownNamespace = new("UnknownNamespace", ErrorKind.InvalidData);
    public static readonly ErrorId UnsafeArchiveEntry = new("UnsafeArchiveEntry", ErrorKind.InvalidData);
    public static readonly ErrorId UnsafeLayerEntry = new("UnsafeLayerEntry", ErrorKind.InvalidData);
    public static readonly ErrorId UnsupportedManifest = new("UnsupportedManifest", ErrorKind.InvalidData);
    public static readonly ErrorId UserNamespaceStoreUnreachable = new("UserNamespaceStoreUnreachable", ErrorKind.PermissionDenied);
    public static readonly ErrorId UserNamespaceRangeExhausted = new("UserNamespaceRangeExhausted", ErrorKind.ResourceUnavailable);
    public static readonly ErrorId UserNamespaceMappingFailed = new("UserNamespaceMappingFailed", ErrorKind.InvalidArgument);
    public static readonly ErrorId UserNotFound = new("UserNotFound", ErrorKind.InvalidArgument);
    public static readonly ErrorId VariableNotSet = new("VariableNotSet", ErrorKind.InvalidArgument);
    public static readonly ErrorId VolumeAlreadyExists = new("VolumeAlreadyExists", ErrorKind.AlreadyExists);
    public static readonly ErrorId VolumeInUse = new("VolumeInUse", ErrorKind.InUse);
    public static readonly ErrorId VolumeNotFound = new("VolumeNotFound", ErrorKind.NotFound);
    public static readonly ErrorId WaitTimeout = new("WaitTimeout", ErrorKind.ResourceUnavailable);

    /// <summary>Every entry of the catalog.</summary>
    public static IReadOnlyList<ErrorId> All => Entries;

    /// <summary>The catalog entry named <paramref name="name"/>; null for an id outside it.</summary>
    public static ErrorId? Find(string name) => ByName.Value.GetValueOrDefault(name);

    private static readonly ErrorId[] Entries =
    [
        AliasesNeedNetwork,
        AlreadyConnected,
        AmbiguousContainerId,
        AmbiguousImageId,
        ArchiveEntryTooLarge,
        ArchiveNotFound,
        AttachFailed,
        BadIgnorePattern,
        BadSubstitution,
        BindSourceNotFound,
        BlobNotFound,
        BlobNotFoundInRegistry,
        BuildStepFailed,
        BundleNotFound,
        CannotCopyDirectoryOntoFile,
        CannotOverwriteDirectoryWithNonDirectory,
        CannotOverwriteNonDirectoryWithDirectory,
        CgroupControllerUnavailable,
        CgroupCreateFailed,
        CgroupDeleteFailed,
        CgroupDeviceFilterFailed,
        CgroupExists,
        CgroupFreezeFailed,
        CgroupKillFailed,
        CgroupWriteFailed,
        CgroupsUnavailable,
        ChangeNotAllowed,
        CleanupNotFound,
        ContainerExecFailed,
        ContainerExitUnknown,
        ContainerInitNotFound,
        ContainerMountBusy,
        ContainerNameInUse,
        ContainerNotFound,
        ContainerNotInteractive,
        ContainerNotPaused,
        ContainerNotRunning,
        ContainerPathNotFound,
        ContainerPaused,
        ContainerRunning,
        ContainerStartFailed,
        ContainerStopFailed,
        ContextNotFound,
        CorruptArchive,
        CorruptLayer,
        DigestMismatch,
        DirectoryNotFound,
        DockerfileNotFound,
        DuplicateMountPoint,
        EmptyArchive,
        EndpointAlreadyExists,
        EndpointNotFound,
        GroupNotFound,
        HookFailed,
        HostNetworkCannotConnect,
        RestartPolicyWithAutoRemove,
        NoHealthCheck,
        ImageInUse,
        ImageNotFound,
        ImageNotFoundInRegistry,
        InitNotFound,
        InvalidAuthChallenge,
        InvalidCapability,
        InvalidCgroupName,
        InvalidContainerId,
        InvalidContainerName,
        InvalidContainerState,
        InvalidRestartPolicy,
        InvalidStopTimeout,
        InvalidDuration,
        InvalidHealthCheck,
        InvalidLogOptions,
        InvalidCredentialFile,
        InvalidDeviceMapping,
        InvalidDeviceRule,
        InvalidDigest,
        InvalidDocument,
        InvalidGateway,
        InvalidHolderId,
        InvalidHostName,
        InvalidImageReference,
        InvalidInterfaceName,
        InvalidMountSpec,
        InvalidNetwork,
        InvalidNetworkConfig,
        InvalidNetworkName,
        InvalidNetworkNamespace,
        InvalidNetworkPlugin,
        InvalidPath,
        InvalidPlatform,
        InvalidPortMapping,
        InvalidRegistryConfig,
        InvalidRegistryResponse,
        InvalidIdMapping,
        InvalidUserNamespace,
        InvalidRuntimeSpec,
        InvalidSecurityOption,
        InvalidSignal,
        InvalidSubnet,
        InvalidSysctl,
        InvalidTokenResponse,
        InvalidUlimit,
        InvalidVolumeName,
        InvalidWorkingDirectory,
        LayerCountMismatch,
        LayerNotFound,
        ManifestNotFound,
        MissingArchiveEntry,
        MonitorNotFound,
        MonitorStartFailed,
        NetworkAlreadyExists,
        NetworkInUse,
        NetworkNamespaceNotFound,
        NetworkNotFound,
        NetworkPluginFailed,
        NetworkPluginNotFound,
        NetworkRulesFailed,
        NoCommand,
        NoDockerfile,
        NoImageToExport,
        NotADirectory,
        NotATerminal,
        NotConnected,
        PathNotFound,
        PermissionDenied,
        PlatformNotFound,
        PlatformNotFoundInRegistry,
        PlatformNotSupported,
        PortAlreadyAllocated,
        PortsNeedNetwork,
        PortsOnInternalNetwork,
        PushTargetRequired,
        RegistryAccessDenied,
        RegistryAuthenticationFailed,
        RegistryConfigNotFound,
        RegistryConnectionFailed,
        RegistryRequestFailed,
        RegistryResponseTooLarge,
        RegistryUnavailable,
        RootFsMountFailed,
        RootfsNotFound,
        RuntimeSpecFieldNotSupported,
        SeccompProfileInvalid,
        SeccompProfileNotFound,
        StageNotFound,
        StoreLockTimeout,
        StoreMountBusy,
        StoreResetFailed,
        SubnetInUse,
        SubnetPoolExhausted,
        TagWithAllTags,
        TooManySymlinks,
        UnbalancedQuotes,
        UnknownArchiveFormat,
        UnknownNamespace,
        UnsafeArchiveEntry,
        UnsafeLayerEntry,
        UnsupportedManifest,
        UserNamespaceMappingFailed,
        UserNamespaceRangeExhausted,
        UserNamespaceStoreUnreachable,
        UserNotFound,
        VariableNotSet,
        VolumeAlreadyExists,
        VolumeInUse,
        VolumeNotFound,
        WaitTimeout,
    ];

    private static readonly Lazy<Dictionary<string, ErrorId>> ByName = new(() => Entries.ToDictionary(e => e.Name, StringComparer.Ordinal));
}
