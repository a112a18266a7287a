using System.Text.Json.Nodes;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Network.Cni;
using ContainerTools.Runtime.Oci;
using ContainerTools.Runtime.Storage;
using ContainerTools.OciRuntime.Files;

namespace ContainerTools.Runtime.Network;

public sealed partial class NetworkStore
{
    /// <summary>An attachment whose interface is ready and whose published ports are being set up: see <see cref="BeginAttach"/>.</summary>
    public sealed class PendingAttachment
    {
        private readonly NetworkStore _store;
        private readonly string _recordPath;
        private readonly CniAddition _addition;
        private FileLock? _held;

        internal PendingAttachment(NetworkStore store, Endpoint endpoint, string recordPath, CniAddition addition, FileLock held)
        {
            (_store, Endpoint, _recordPath, _addition, _held) = (store, endpoint, recordPath, addition, held);
        }

        /// <summary>The endpoint as recorded: address, interface, resolved host ports.</summary>
        public Endpoint Endpoint { get; private set; }

        /// <summary>
        /// Waits for the rest of the ADD and releases the store's lock. If a later plugin failed, the whole attachment
        /// is gone again (plugins' DEL, record, peers' hosts files) when this throws.
        /// </summary>
        public Endpoint Complete()
        {
            if (_held is null)
            {
                return Endpoint;
            }
            try
            {
                var result = _addition.Finish();
                if (!JsonNode.DeepEquals(result, _addition.FirstResult))
                {
                    Endpoint = Endpoint with { CniResult = result };
                    AtomicFile.WriteAllBytes(_recordPath, OciJson.Serialize(Endpoint));
                }
                return Endpoint;
            }
            catch
            {
                TryDelete(_recordPath);
                try { _store.RefreshHostsFiles(Endpoint.Network); } catch (Exception ex) when (ex is IOException or ContainerToolsException) { }
                throw;
            }
            finally
            {
                _held.Dispose();
                _held = null;
            }
        }
    }
}
