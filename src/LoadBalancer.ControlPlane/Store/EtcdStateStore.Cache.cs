using System.Text.Json;

namespace LoadBalancer.ControlPlane.Store;

// The cache file: the keys of the last state read from (or committed to) etcd, as JSON, written
// atomically when its content changed. Only read when etcd cannot be reached.
public sealed partial class EtcdStateStore
{
    private async Task CacheAsync(EtcdSnapshot snapshot, CancellationToken cancellationToken)
    {
        await _cacheGate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is not null && (_cached.Revision >= snapshot.Revision || _cached.SameContent(snapshot)))
            {
                return;
            }
            var record = new EtcdCacheRecord
            {
                Format = EtcdJson.Format,
                Prefix = _keys.Prefix,
                Revision = snapshot.Revision,
                Entries = [.. snapshot.Entries.Select(e => new EtcdCacheEntry { Key = e.Key, ModRevision = e.ModRevision, Value = Element(e.Value) })],
            };
            await AtomicFile.WriteAsync(StatePath, JsonSerializer.Serialize(record, EtcdJson.Options), cancellationToken);
            _cached = snapshot;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the cache only matters for a start while etcd is down; etcd has the state
            LogCacheFailed(StatePath, e.Message);
        }
        finally
        {
            _cacheGate.Release();
        }
    }

    // Null if there is no cache file, or it is of another prefix.
    private async Task<EtcdSnapshot?> ReadCacheAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return null;
        }
        EtcdCacheRecord record;
        try
        {
            record = JsonSerializer.Deserialize<EtcdCacheRecord>(await File.ReadAllTextAsync(StatePath, cancellationToken), EtcdJson.Options)
                ?? throw new JsonException("it is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the etcd cache {StatePath} is damaged ({e.Message}); remove it, the next read from etcd writes it again", e);
        }
        if (record.Format != EtcdJson.Format)
        {
            throw new InvalidDataException($"the etcd cache {StatePath} has format {record.Format}, not {EtcdJson.Format}; remove it, the next read from etcd writes it again");
        }
        if (record.Prefix != _keys.Prefix)
        {
            LogCacheOfOtherPrefix(StatePath, record.Prefix, _keys.Prefix);
            return null;
        }
        var entries = (record.Entries ?? []).Select(e => new EtcdEntry(e.Key, e.Value.GetRawText(), e.ModRevision));
        var snapshot = EtcdSnapshot.Parse(_keys, record.Revision, entries, $"cache {StatePath}", isEmpty: record.Entries is null or { Count: 0 });
        await _cacheGate.WaitAsync(cancellationToken);
        try
        {
            _cached ??= snapshot;
        }
        finally
        {
            _cacheGate.Release();
        }
        return snapshot;
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
