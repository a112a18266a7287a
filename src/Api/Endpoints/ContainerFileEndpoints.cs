using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using ContainerTools.Api.Http;
using ContainerTools.Api.Routing;
using ContainerTools.Api.Streams;
using ContainerTools.OciRuntime.Errors;
using ContainerTools.Runtime.Files;
using ContainerTools.Runtime.Layers;

namespace ContainerTools.Api.Endpoints;

/// <summary>A container's files: archive GET/HEAD/PUT (docker cp), export.</summary>
internal static class ContainerFileEndpoints
{
    public static void Map(Router router, ApiEngine engine)
    {
        router.Head("/containers/{id}/archive", (req, res) =>
        {
            var (stat, _) = Stat(engine, req);
            res.SetHeader("X-Docker-Container-Path-Stat", stat);
            res.Bytes(200, "application/x-tar", [], headOnly: true);
        });
        router.Get("/containers/{id}/archive", (req, res) =>
        {
            var (stat, path) = Stat(engine, req);
            res.SetHeader("X-Docker-Container-Path-Stat", stat);
            var id = req.Route("id");
            var output = res.Stream(200, "application/x-tar");
            engine.Containers.WithRootfs(id, rootfs => ContainerFileCopy.CopyOutAsTar(rootfs, path, output));
            output.End();
        });
        router.Put("/containers/{id}/archive", (req, res) => Put(engine, req, res));
        router.Get("/containers/{id}/changes", (req, res) =>
            res.Json(200, engine.Containers.Changes(req.Route("id")).Select(c => new { Path = c.Path, Kind = (int)c.Kind }).ToArray()));
        router.Get("/containers/{id}/export", (req, res) =>
        {
            var c = engine.Containers.Resolve(req.Route("id"));
            var output = res.Stream(200, "application/x-tar");
            engine.Containers.WithRootfs(c.Id, rootfs => RootfsTarWriter.Write(rootfs, output));
            output.End();
        });
    }

    private static string PathParameter(HttpRequest req)
    {
        var path = req.QueryValue("path");
        if (string.IsNullOrEmpty(path)) throw ApiException.BadRequest("path is required");
        if (path.Contains('\0')) throw ApiException.BadRequest("path contains a NUL byte");
        return path;
    }

    /// <summary>
    /// The X-Docker-Container-Path-Stat header (base64 JSON: name, size, mode as Go's os.FileMode, mtime, linkTarget),
    /// read from the first entry of the path's archive, resolved inside the container's root like the copy itself.
    /// </summary>
    private static (string Header, string Path) Stat(ApiEngine engine, HttpRequest req)
    {
        var path = PathParameter(req);
        var id = req.Route("id");
        engine.Containers.Resolve(id);
        var capture = new FirstEntryCapture();
        try
        {
            engine.Containers.WithRootfs(id, rootfs => ContainerFileCopy.CopyOutAsTar(rootfs, path.TrimEnd('.').Length == 0 ? path : path, capture));
        }
        catch (FirstEntryCapture.Enough) { }
        capture.Position = 0;
        var entry = new TarReader(capture).GetNextEntry(copyData: false);
        var name = Path.GetFileName(path.TrimEnd('/')) is { Length: > 0 } leaf ? leaf : "/";
        long mode = 0, size = 0;
        string link = "";
        DateTimeOffset mtime = DateTimeOffset.UnixEpoch;
        if (entry is not null)
        {
            mode = (long)entry.Mode;
            if (entry.EntryType == TarEntryType.Directory) mode |= 0x80000000L;
            if (entry.EntryType == TarEntryType.SymbolicLink) { mode |= 0x8000000L; link = entry.LinkName; }
            size = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile ? entry.Length : 0;
            mtime = entry.ModificationTime;
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(new { name, size, mode, mtime = DockerFormat.Time(mtime), linkTarget = link }, ApiJson.Output);
        return (Convert.ToBase64String(json), path);
    }

    /// <summary>
    /// PUT /containers/{id}/archive?path=DIR: the tar body unpacked into DIR. Entries that are absolute or climb with
    /// ".." are refused before anything is written; the archive is unpacked in a scratch directory of the store by
    /// the engine's rooted layer extraction, then copied in by the engine's in-root copy.
    /// </summary>
    private static void Put(ApiEngine engine, HttpRequest req, HttpResponse res)
    {
        var path = PathParameter(req);
        var c = engine.Containers.Resolve(req.Route("id"));
        if (c.Definition.ReadOnlyRootFs && ContainerEndpoints.IsActive(c)) throw new ApiException(403, "container rootfs is marked read-only");
        using var upload = TempUpload.From(engine, req);
        UploadedArchive.RefuseClimbingEntries(upload.Path);
        var scratch = Path.Combine(engine.Root.TempDirectory, "api-archive-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            UploadedArchive.Unpack(upload.Path, scratch);
            foreach (var entry in Directory.EnumerateFileSystemEntries(scratch))
                engine.Containers.CopyToContainer(c.Id, entry, path);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        res.Empty(200);
    }

    /// <summary>Keeps the first bytes of an archive (enough for its first entry's headers), then stops the writer.</summary>
    private sealed class FirstEntryCapture : MemoryStream
    {
        public sealed class Enough : Exception;

        public override void Write(byte[] buffer, int offset, int count)
        {
            base.Write(buffer, offset, count);
            if (Length >= 8192) throw new Enough();
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);
    }
}
