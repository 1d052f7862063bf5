using System.Net;
using System.Text.Json;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>One key under the prefix as read: its value (JSON) and the revision of its last write.</summary>
internal readonly record struct EtcdEntry(string Key, string Value, long ModRevision);

/// <summary>
/// The cluster's state as one read of the prefix found it (or as a commit wrote it), checked whole:
/// every record parses, names the VIP of its key, gives every backend an id, and no id has two owners.
/// Immutable; <see cref="VipConfigs"/> gives fresh objects every time.
/// </summary>
internal sealed class EtcdSnapshot
{
    private EtcdSnapshot(long revision, bool isEmpty, long metaModRevision, IReadOnlyList<EtcdEntry> entries, IReadOnlyDictionary<VipKey, EtcdEntry> vips, PinnedIds ids, IReadOnlyList<ReleasedId> released)
    {
        Revision = revision;
        IsEmpty = isEmpty;
        MetaModRevision = metaModRevision;
        Entries = entries;
        Vips = vips;
        Ids = ids;
        Released = released;
    }

    /// <summary>The etcd revision of the read (or of the commit).</summary>
    public long Revision { get; }

    /// <summary>The revision <c>P/meta</c> was last written at (the last commit); 0 if there is none.</summary>
    public long MetaModRevision { get; }

    /// <summary>True if no key at all was found under the prefix (not even one this version ignores).</summary>
    public bool IsEmpty { get; }

    /// <summary>The keys of the state (P/meta and the VIP records), by key (ordinal); other keys are left out.</summary>
    public IReadOnlyList<EtcdEntry> Entries { get; }

    /// <summary>The VIP records by VIP.</summary>
    public IReadOnlyDictionary<VipKey, EtcdEntry> Vips { get; }

    /// <summary>The ids stored for the VIPs and backends.</summary>
    public PinnedIds Ids { get; }

    /// <summary>The ids in quarantine (<c>P/meta</c>).</summary>
    public IReadOnlyList<ReleasedId> Released { get; }

    /// <summary>Reads and checks <paramref name="entries"/>, the keys under <paramref name="keys"/>' prefix at <paramref name="revision"/>.</summary>
    /// <param name="keys">The layout.</param>
    /// <param name="revision">The revision of the read or commit.</param>
    /// <param name="entries">The keys under P/ with their values.</param>
    /// <param name="source">Where they come from, for messages: <c>etcd</c> or the cache file.</param>
    /// <param name="isEmpty">Whether the read found no key at all under P/.</param>
    /// <exception cref="InvalidDataException">A record is damaged; the message names its key.</exception>
    public static EtcdSnapshot Parse(EtcdKeys keys, long revision, IEnumerable<EtcdEntry> entries, string source, bool isEmpty)
    {
        var all = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var kept = new List<EtcdEntry>();
        var vips = new Dictionary<VipKey, EtcdEntry>();
        var vipIds = new Dictionary<VipKey, uint>();
        var backendIds = new Dictionary<BackendRef, uint>();
        var vipIdOwners = new Dictionary<uint, string>();
        var backendIdOwners = new Dictionary<uint, string>();
        var released = new List<ReleasedId>();
        long metaModRevision = 0;
        foreach (var entry in all)
        {
            if (entry.Key == keys.Meta)
            {
                var meta = Deserialize<EtcdMetaRecord>(entry, source);
                CheckFormat(meta.Format, entry, source);
                foreach (var r in meta.Released ?? throw Damaged(entry, source, "released is null"))
                {
                    if (r is null)
                    {
                        throw Damaged(entry, source, "a released entry is null");
                    }
                    var kind = r.Kind switch
                    {
                        "vip" => ReleasedId.IdKind.Vip,
                        "backend" => ReleasedId.IdKind.Backend,
                        _ => throw Damaged(entry, source, $"released id {r.Id} has kind '{r.Kind}', not vip or backend"),
                    };
                    released.Add(new ReleasedId(kind, r.Id, r.Until));
                }
                metaModRevision = entry.ModRevision;
                kept.Add(entry);
                continue;
            }
            if (!keys.IsVip(entry.Key, out var rest, out var key))
            {
                continue;
            }
            if (key is not { } vip || keys.Vip(vip) != entry.Key)
            {
                throw Damaged(entry, source, $"'{rest}' is not a VIP key in canonical form, like 10.0.0.1:80/tcp or [fd00::1]:53/udp");
            }
            var record = Deserialize<EtcdVipRecord>(entry, source);
            CheckFormat(record.Format, entry, source);
            if (record.Vip is null || record.BackendIds is null)
            {
                throw Damaged(entry, source, "vip or backend_ids is null");
            }
            if (!VipKey.TryCreate(record.Vip.Address, record.Vip.Port, record.Vip.Protocol, out var named) || named != vip)
            {
                throw Damaged(entry, source, $"it holds VIP {record.Vip.Address}:{record.Vip.Port}/{record.Vip.Protocol}, not {vip}");
            }
            if (!vipIdOwners.TryAdd(record.Id, entry.Key))
            {
                throw Damaged(entry, source, $"VIP id {record.Id} is also the id of {vipIdOwners[record.Id]}");
            }
            vipIds.Add(vip, record.Id);
            foreach (var (address, id) in BackendIds(record, entry, source))
            {
                if (!backendIdOwners.TryAdd(id, $"{address} in {entry.Key}"))
                {
                    throw Damaged(entry, source, $"backend id {id} of {address} is also the id of {backendIdOwners[id]}");
                }
                backendIds.Add(new BackendRef(vip, address), id);
            }
            vips.Add(vip, entry);
            kept.Add(entry);
        }
        return new EtcdSnapshot(revision, isEmpty, metaModRevision, kept, vips, new PinnedIds(vipIds, backendIds), released);
    }

    /// <summary>The VIPs as configured, new objects, in the order of their key text (ordinal).</summary>
    public List<VipConfig> VipConfigs()
        => [.. Vips.OrderBy(v => v.Key.ToString(), StringComparer.Ordinal).Select(v => JsonSerializer.Deserialize<EtcdVipRecord>(v.Value.Value, EtcdJson.Options)!.Vip)];

    /// <summary>True if <paramref name="other"/> holds the same keys, each last written at the same revision.</summary>
    public bool SameContent(EtcdSnapshot other)
        => Entries.Count == other.Entries.Count
           && Entries.Zip(other.Entries).All(p => p.First.Key == p.Second.Key && p.First.ModRevision == p.Second.ModRevision);

    /// <summary>Checks that every id fits <paramref name="node"/>'s capacities, which the data plane's maps are sized for.</summary>
    /// <exception cref="InvalidDataException">An id is beyond them; the message names its key.</exception>
    public void CheckLimits(NodeSpec node, string source)
    {
        foreach (var (vip, id) in Ids.Vips)
        {
            if (id >= node.MaxVips)
            {
                throw Damaged(Vips[vip], source, $"VIP id {id} is beyond this node's node.max_vips ({node.MaxVips}); every node of a cluster needs the same limits");
            }
        }
        foreach (var (backend, id) in Ids.Backends)
        {
            if (id == 0 || id >= node.MaxBackends)
            {
                throw Damaged(Vips[backend.Vip], source, $"backend id {id} of {backend.Address} is outside this node's ids 1..{node.MaxBackends - 1} (node.max_backends); every node of a cluster needs the same limits");
            }
        }
    }

    // backend_ids must name exactly the VIP's backends, each once.
    private static Dictionary<IPAddress, uint> BackendIds(EtcdVipRecord record, EtcdEntry entry, string source)
    {
        var ids = new Dictionary<IPAddress, uint>();
        foreach (var (text, id) in record.BackendIds)
        {
            if (!AddressText.TryParse(text, out var address) || !ids.TryAdd(address, id))
            {
                throw Damaged(entry, source, $"backend_ids names '{text}', not an address or twice");
            }
        }
        var backends = new HashSet<IPAddress>();
        foreach (var backend in record.Vip.Backends ?? [])
        {
            if (backend is null || !AddressText.TryParse(backend.Address, out var address) || !backends.Add(address))
            {
                throw Damaged(entry, source, $"backend '{backend?.Address}' is not an address, or is listed twice");
            }
            if (!ids.ContainsKey(address))
            {
                throw Damaged(entry, source, $"backend {address} has no id in backend_ids");
            }
        }
        if (ids.Keys.FirstOrDefault(a => !backends.Contains(a)) is { } extra)
        {
            throw Damaged(entry, source, $"backend_ids names {extra}, which is not a backend of the VIP");
        }
        return ids;
    }

    private static T Deserialize<T>(EtcdEntry entry, string source)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(entry.Value, EtcdJson.Options) ?? throw Damaged(entry, source, "it is null");
        }
        catch (JsonException e)
        {
            throw Damaged(entry, source, e.Message, e);
        }
    }

    private static void CheckFormat(int format, EtcdEntry entry, string source)
    {
        if (format != EtcdJson.Format)
        {
            throw Damaged(entry, source, $"format {format}; this lbd reads format {EtcdJson.Format} (a newer lbd wrote it? upgrade this node)");
        }
    }

    private static InvalidDataException Damaged(EtcdEntry entry, string source, string detail, Exception? inner = null)
        => new($"{source} key {entry.Key} is damaged: {detail}; correct it (etcdctl put) or delete it, then reload", inner);
}
