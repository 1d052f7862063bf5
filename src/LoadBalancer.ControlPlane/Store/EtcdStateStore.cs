using System.Net;
using System.Text.Json;
using Etcdserverpb;
using Grpc.Core;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.State;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// The desired state of a cluster, shared by its nodes under one etcd key prefix P: the VIPs with
/// their backends, weights and health settings, and the VIP and backend ids, fixed by the node that
/// commits a change (<see cref="SharedIdAssignment"/>), so every node plans the same ids and builds
/// byte-identical Maglev rings. This node's own keys (<c>node</c>, <c>bgp</c>, <c>store</c>) stay in
/// its configuration file; the file's <c>vips</c> only seed an empty prefix.
/// </summary>
/// <remarks>
/// <para>Layout (see <see cref="EtcdKeys"/>): <c>P/vips/&lt;VIP key&gt;</c> = <c>{format, id, vip, backend_ids}</c>
/// per VIP; <c>P/meta</c> = <c>{format, released}</c>, the ids in quarantine, rewritten by every commit
/// so that its mod_revision orders the writers: a commit is one transaction that applies only if
/// P/meta was not written after the revision the change was made from.</para>
/// <para>The first <see cref="LoadAsync"/> starts a watch on P/ from the revision it read + 1, which
/// raises <see cref="Changed"/> for every change another node commits. When the watch breaks or etcd
/// cannot be reached, <see cref="Status"/> turns stale and the watch is retried with a backoff from
/// 250 ms doubling to 5 s; once etcd answers again, P/ is read whole, <see cref="Changed"/> raised if it
/// moved, and the watch started again from there, which clears stale. A watch whose start revision
/// etcd compacted away is replaced the same way. Meanwhile <see cref="LoadAsync"/> returns the state
/// last read (from memory, else from the cache file at <see cref="StatePath"/>) and
/// <see cref="CommitAsync"/> refuses with <see cref="StoreUnavailableException"/>. Every request is
/// given <see cref="StoreSpec.Timeout"/>.</para>
/// </remarks>
public sealed partial class EtcdStateStore : IDesiredStateStore, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_lastRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_stopWait = TimeSpan.FromSeconds(5);
    private readonly string? _embeddedConfig;
    private readonly StoreSpec _spec;
    private readonly TimeProvider _time;
    private readonly ILogger<EtcdStateStore> _log;
    private readonly EtcdKeys _keys;
    private readonly EtcdConnection _etcd;
    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _cacheGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();

    // Guarded by _sync.
    private EtcdSnapshot? _last;
    private NodeSpec? _node;
    private DateTimeOffset? _staleSince;
    private string? _lastError;
    private bool _watching;
    private bool _seedIgnoredLogged;
    private long _unheardRevision;
    private Action? _changed;
    private Task? _watchLoop;
    private bool _disposed;

    // Guarded by _cacheGate.
    private EtcdSnapshot? _cached;

    /// <summary>
    /// A store over the prefix and endpoints of <paramref name="store"/>; this node's keys come from
    /// <paramref name="configPath"/>, or <paramref name="embeddedConfig"/> when there is no file. Nothing
    /// is read or connected before <see cref="LoadAsync"/>.
    /// </summary>
    /// <param name="configPath">This node's configuration file, or null.</param>
    /// <param name="embeddedConfig">The YAML to use when <paramref name="configPath"/> is null.</param>
    /// <param name="statePath">The cache of the last state read from etcd, used when etcd cannot be reached at start.</param>
    /// <param name="store">The validated <c>store</c> section (kind etcd).</param>
    /// <param name="time">Wall-clock time for quarantines and status, and the retry delays.</param>
    /// <param name="log">Where reachability changes, seeding and retries are logged.</param>
    public EtcdStateStore(string? configPath, string? embeddedConfig, string statePath, StoreSpec store, TimeProvider time, ILogger<EtcdStateStore> log)
    {
        if (configPath is null && embeddedConfig is null)
        {
            throw new ArgumentException("a configuration file or an embedded default is needed");
        }
        if (store.Kind != StoreKind.Etcd)
        {
            throw new ArgumentException($"store kind is {store.Kind}, not etcd", nameof(store));
        }
        ConfigPath = configPath is null ? null : Path.GetFullPath(configPath);
        _embeddedConfig = embeddedConfig;
        StatePath = Path.GetFullPath(statePath);
        _spec = store;
        _time = time;
        _log = log;
        _keys = new EtcdKeys(store.Prefix);
        _etcd = new EtcdConnection(store);
    }

    /// <inheritdoc/>
    public string Description => $"etcd {Endpoints} prefix {_keys.Prefix} (cache {StatePath})";

    /// <inheritdoc/>
    public string? ConfigPath { get; }

    /// <inheritdoc/>
    public string StatePath { get; }

    /// <inheritdoc/>
    public bool Shared => true;

    /// <inheritdoc/>
    /// <remarks>The revision is that of the state last read or committed (0 before any).</remarks>
    public StoreStatus Status
    {
        get
        {
            lock (_sync)
            {
                return new StoreStatus("etcd", _staleSince is not null, _staleSince, _lastError, _last?.Revision ?? 0);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Raised on the watch's thread. A change seen while no handler is subscribed (between the first
    /// <see cref="LoadAsync"/> and the daemon's subscription) is raised to the next handler that
    /// subscribes, unless a load or commit has handed out that state since.
    /// </remarks>
    public event Action? Changed
    {
        add
        {
            bool unheard;
            lock (_sync)
            {
                _changed += value;
                unheard = _unheardRevision != 0 && value is not null;
                _unheardRevision = 0;
            }
            if (unheard)
            {
                Invoke(value!);
            }
        }
        remove
        {
            lock (_sync)
            {
                _changed -= value;
            }
        }
    }

    private string Endpoints => string.Join(",", _spec.Endpoints.Select(e => e.GetLeftPart(UriPartial.Authority)));

    /// <inheritdoc/>
    /// <remarks>
    /// Reads this node's file, then P/ in one request (one revision). An empty prefix is seeded
    /// with the file's <c>vips</c> in one transaction that applies only if P/ is still empty, and read
    /// again. The state read is cached in <see cref="StatePath"/>. The first call starts the watch.
    /// </remarks>
    public async Task<DesiredState> LoadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var local = await ReadLocalAsync(cancellationToken);
        var node = NodeOf(local);
        lock (_sync)
        {
            _node = node;
        }
        EtcdSnapshot snapshot;
        try
        {
            snapshot = await ReadAsync(node, cancellationToken);
            if (snapshot.IsEmpty && local.Vips.Count > 0)
            {
                await SeedAsync(local, cancellationToken);
                snapshot = await ReadAsync(node, cancellationToken);
            }
            else if (!snapshot.IsEmpty && local.Vips.Count > 0)
            {
                LogSeedIgnoredOnce(local.Vips.Count);
            }
            Remember(snapshot, handedOut: true);
            await CacheAsync(snapshot, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            var (last, from) = await LastReadAsync(node, cancellationToken);
            if (last is null)
            {
                throw new StoreUnavailableException($"{e.Message}; nothing was read from it before and there is no cache at {StatePath}", e.InnerException);
            }
            snapshot = last;
            LogLoadedLastRead(Endpoints, snapshot.Revision, from);
        }
        StartWatching();
        return ToDesired(local, snapshot);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Puts the VIPs of <paramref name="desired"/>'s effective configuration whose record changed,
    /// deletes those it no longer has, and rewrites P/meta, in one transaction that applies only if
    /// P/meta's mod_revision is still at most <paramref name="basis"/>' revision. Ids come from
    /// <see cref="SharedIdAssignment"/> over the stored ids and quarantine, with the longest of this
    /// node's idle timeouts as the quarantine. If the request times out, whether it applied is
    /// unknown: the watch then tells (a commit that applied raises <see cref="Changed"/>).
    /// </remarks>
    /// <exception cref="ConfigValidationException">The ids ran out, or etcd refused the transaction as too large.</exception>
    public async Task<DesiredState> CommitAsync(DesiredState basis, DesiredState desired, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var effective = desired.Effective;
        var spec = ConfigValidator.Validate(effective);
        EtcdSnapshot? stored;
        lock (_sync)
        {
            stored = _last;
        }
        if (stored is null || stored.Revision < basis.Revision)
        {
            stored = await ReadAsync(spec.Node, cancellationToken);
            Remember(stored, handedOut: false);
        }
        // P/meta is rewritten by every commit: unchanged since the basis, it still holds the basis' quarantine.
        if (stored.MetaModRevision > basis.Revision)
        {
            throw Conflict(stored.MetaModRevision, basis.Revision);
        }
        var assignment = Assign(basis.Ids ?? stored.Ids, stored.Released, spec);
        var records = effective.Vips.ToDictionary(Key, v => RecordJson(v, assignment.Ids));

        var request = new TxnRequest();
        request.Compare.Add(new Compare
        {
            Key = EtcdKeys.Bytes(_keys.Meta),
            Target = Compare.Types.CompareTarget.Mod,
            Result = Compare.Types.CompareResult.Less,
            ModRevision = basis.Revision + 1,
        });
        foreach (var (key, json) in records.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
        {
            if (!stored.Vips.TryGetValue(key, out var entry) || entry.Value != json)
            {
                request.Success.Add(Put(_keys.Vip(key), json));
            }
        }
        foreach (var key in stored.Vips.Keys.Where(k => !records.ContainsKey(k)).OrderBy(k => k.ToString(), StringComparer.Ordinal))
        {
            request.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = EtcdKeys.Bytes(_keys.Vip(key)) } });
        }
        var meta = MetaJson(assignment.Released);
        request.Success.Add(Put(_keys.Meta, meta));
        request.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = EtcdKeys.Bytes(_keys.Meta), KeysOnly = true } });

        var response = await CallAsync($"committing to {_keys.Root}", (deadline, token) => _etcd.Client.TransactionAsync(request, null, deadline, token), cancellationToken, write: true);
        if (!response.Succeeded)
        {
            var written = response.Responses.FirstOrDefault()?.ResponseRange?.Kvs.FirstOrDefault()?.ModRevision ?? 0;
            throw Conflict(written, basis.Revision);
        }
        var revision = response.Header.Revision;
        var entries = new List<EtcdEntry> { new(_keys.Meta, meta, revision) };
        foreach (var (key, json) in records)
        {
            var unchanged = stored.Vips.TryGetValue(key, out var entry) && entry.Value == json;
            entries.Add(new EtcdEntry(_keys.Vip(key), json, unchanged ? entry.ModRevision : revision));
        }
        var committed = EtcdSnapshot.Parse(_keys, revision, entries, "etcd", isEmpty: false);
        Remember(committed, handedOut: true);
        await CacheAsync(committed, CancellationToken.None);
        return new DesiredState(effective, new StateOverlay()) { Ids = assignment.Ids, Revision = revision };
    }

    /// <summary>Stops the watch and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            loop = _watchLoop;
        }
        await _stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(s_stopWait);
            }
            catch (TimeoutException)
            {
                // the loop ends at its next await; nothing is left to wait for
            }
        }
        _etcd.Dispose();
        _stop.Dispose();
        _cacheGate.Dispose();
    }

    /// <summary>Stops the watch and closes the connection.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<BalancerConfig> ReadLocalAsync(CancellationToken cancellationToken)
    {
        var yaml = ConfigPath is null ? _embeddedConfig! : await File.ReadAllTextAsync(ConfigPath, cancellationToken);
        return YamlConfigReader.Read(yaml);
    }

    // The node's settings, validated without the seed VIPs (which matter only for an empty prefix).
    private static NodeSpec NodeOf(BalancerConfig local)
        => ConfigValidator.Validate(new BalancerConfig { Node = local.Node, Store = local.Store, Bgp = local.Bgp }).Node;

    private static DesiredState ToDesired(BalancerConfig local, EtcdSnapshot snapshot)
        => new(new BalancerConfig { Node = local.Node, Vips = snapshot.VipConfigs(), Store = local.Store, Bgp = local.Bgp }, new StateOverlay())
        {
            Ids = snapshot.Ids,
            Revision = snapshot.Revision,
        };

    // One linearizable range read of P/: every key at one revision.
    private async Task<EtcdSnapshot> ReadAsync(NodeSpec node, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = EtcdKeys.Bytes(_keys.Root), RangeEnd = _keys.RootRangeEnd };
        var response = await CallAsync($"reading {_keys.Root}", (deadline, token) => _etcd.Client.GetAsync(request, null, deadline, token), cancellationToken);
        var entries = response.Kvs.Select(kv => new EtcdEntry(kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.ModRevision));
        var snapshot = EtcdSnapshot.Parse(_keys, response.Header.Revision, entries, "etcd", isEmpty: response.Kvs.Count == 0);
        snapshot.CheckLimits(node, "etcd");
        return snapshot;
    }

    // Seeds an empty prefix with the file's VIPs; a node that seeded first wins (nothing written here).
    private async Task SeedAsync(BalancerConfig local, CancellationToken cancellationToken)
    {
        var spec = ConfigValidator.Validate(local);
        var assignment = Assign(new PinnedIds(new Dictionary<VipKey, uint>(), new Dictionary<BackendRef, uint>()), [], spec);
        var request = new TxnRequest();
        request.Compare.Add(new Compare
        {
            Key = EtcdKeys.Bytes(_keys.Root),
            RangeEnd = _keys.RootRangeEnd,
            Target = Compare.Types.CompareTarget.Create,
            Result = Compare.Types.CompareResult.Equal,
            CreateRevision = 0,
        });
        foreach (var vip in local.Vips.OrderBy(v => Key(v).ToString(), StringComparer.Ordinal))
        {
            request.Success.Add(Put(_keys.Vip(Key(vip)), RecordJson(vip, assignment.Ids)));
        }
        request.Success.Add(Put(_keys.Meta, MetaJson(assignment.Released)));
        var response = await CallAsync($"seeding {_keys.Root}", (deadline, token) => _etcd.Client.TransactionAsync(request, null, deadline, token), cancellationToken, write: true);
        if (response.Succeeded)
        {
            LogSeeded(_keys.Prefix, local.Vips.Count, ConfigPath ?? "the embedded configuration", response.Header.Revision);
        }
    }

    private SharedIdAssignment Assign(PinnedIds current, IReadOnlyList<ReleasedId> released, BalancerSpec spec)
    {
        var node = spec.Node;
        var quarantine = node.TcpIdleTimeout > node.UdpIdleTimeout ? node.TcpIdleTimeout : node.UdpIdleTimeout;
        try
        {
            return SharedIdAssignment.Assign(current, released, spec.Vips, node.MaxVips, node.MaxBackends, quarantine, _time.GetUtcNow());
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigValidationException([new ConfigError("vips", e.Message)]);
        }
    }

    private static VipKey Key(VipConfig vip)
        => VipKey.TryCreate(vip.Address, vip.Port, vip.Protocol, out var key) ? key : throw new ArgumentException($"VIP {vip.Address}:{vip.Port}/{vip.Protocol} is not valid", nameof(vip));

    // The record of a validated VIP; backend_ids in the order of the addresses' text, so every
    // committer writes the same bytes for the same state.
    private static string RecordJson(VipConfig vip, PinnedIds ids)
    {
        var key = Key(vip);
        var backendIds = new Dictionary<string, uint>();
        foreach (var address in vip.Backends.Select(b => IPAddress.Parse(b.Address)).OrderBy(a => a.ToString(), StringComparer.Ordinal))
        {
            backendIds.Add(address.ToString(), ids.Backends[new BackendRef(key, address)]);
        }
        var record = new EtcdVipRecord { Format = EtcdJson.Format, Id = ids.Vips[key], Vip = vip, BackendIds = backendIds };
        return JsonSerializer.Serialize(record, EtcdJson.Options);
    }

    private static string MetaJson(IReadOnlyList<ReleasedId> released)
    {
        var record = new EtcdMetaRecord
        {
            Format = EtcdJson.Format,
            Released = [.. released.Select(r => new EtcdReleasedRecord
            {
                Kind = r.Kind == ReleasedId.IdKind.Vip ? "vip" : "backend",
                Id = r.Id,
                Until = r.Until.ToUniversalTime(),
            })],
        };
        return JsonSerializer.Serialize(record, EtcdJson.Options);
    }

    private static RequestOp Put(string key, string value)
        => new() { RequestPut = new PutRequest { Key = EtcdKeys.Bytes(key), Value = Google.Protobuf.ByteString.CopyFromUtf8(value) } };

    private StoreConflictException Conflict(long metaRevision, long basisRevision)
        => new($"another node committed first: {_keys.Meta} was written at revision {metaRevision}, after revision {basisRevision} this change was made from; nothing written");

    // One request with the store's timeout. Any failure to get an answer is "unreachable" (and
    // marks the store stale); a write etcd refuses as too large is a configuration error.
    private async Task<T> CallAsync<T>(string what, Func<DateTime, CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool write = false)
    {
        T result;
        try
        {
            result = await call(DateTime.UtcNow + _spec.Timeout, cancellationToken);
        }
        catch (RpcException e) when (write && e.StatusCode == StatusCode.InvalidArgument)
        {
            throw new ConfigValidationException([new ConfigError("vips",
                $"etcd refused {what}: {e.Status.Detail} (etcd takes at most --max-txn-ops operations, 128 by default, and --max-request-bytes, 1.5 MiB by default, in one transaction)")]);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = Describe(e);
            MarkStale(reason);
            throw new StoreUnavailableException($"etcd at {Endpoints} cannot be reached ({what}: {reason})", e);
        }
        bool watching;
        lock (_sync)
        {
            watching = _watching;
        }
        if (watching)
        {
            MarkFresh();
        }
        return result;
    }

    private static string Describe(Exception e) => e switch
    {
        RpcException rpc when rpc.Status.DebugException is { } inner && !rpc.Status.Detail.Contains(inner.Message, StringComparison.Ordinal)
            => $"{rpc.StatusCode}: {rpc.Status.Detail} ({inner.Message})",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        StoreUnavailableException or IOException or InvalidDataException => e.Message,
        // a stream cut under it ends in a cancellation the caller did not ask for
        OperationCanceledException => "the connection to etcd was lost",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private void Remember(EtcdSnapshot snapshot, bool handedOut)
    {
        lock (_sync)
        {
            if (_last is null || snapshot.Revision >= _last.Revision)
            {
                _last = snapshot;
            }
            if (handedOut && _unheardRevision <= snapshot.Revision)
            {
                _unheardRevision = 0;
            }
        }
    }

    // The state to run on while etcd cannot be reached: the last read, else the cache file's.
    private async Task<(EtcdSnapshot? Snapshot, string From)> LastReadAsync(NodeSpec node, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_last is not null)
            {
                return (_last, "kept in memory");
            }
        }
        var cached = await ReadCacheAsync(cancellationToken);
        if (cached is null)
        {
            return (null, "");
        }
        cached.CheckLimits(node, $"cache {StatePath}");
        lock (_sync)
        {
            _last ??= cached;
            return (_last, $"cached in {StatePath}");
        }
    }

    private void LogSeedIgnoredOnce(int vips)
    {
        lock (_sync)
        {
            if (_seedIgnoredLogged)
            {
                return;
            }
            _seedIgnoredLogged = true;
        }
        LogSeedIgnored(_keys.Prefix, vips, ConfigPath ?? "the embedded configuration");
    }

    private void MarkStale(string reason)
    {
        bool first;
        lock (_sync)
        {
            first = _staleSince is null;
            _staleSince ??= _time.GetUtcNow();
            _lastError = reason;
        }
        if (first)
        {
            LogUnreachable(Endpoints, reason);
        }
    }

    private void MarkFresh()
    {
        DateTimeOffset? since;
        lock (_sync)
        {
            since = _staleSince;
            _staleSince = null;
            _lastError = null;
        }
        if (since is { } s)
        {
            LogReachable(Endpoints, _time.GetUtcNow() - s, _keys.Prefix);
        }
    }
}
