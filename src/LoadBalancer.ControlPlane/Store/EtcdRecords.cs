using System.Text.Json;
using System.Text.Json.Serialization;
using LoadBalancer.Core.Config;

namespace LoadBalancer.ControlPlane.Store;

// The JSON stored in etcd and in the cache file. Keys are snake_case like the YAML configuration,
// nulls are left out, and unknown members are refused (a record this version cannot read whole is
// damaged, not half-read). A change of meaning takes a new `format`.

/// <summary><c>P/vips/&lt;key&gt;</c>: one VIP as configured, with the ids fixed for it and its backends.</summary>
internal sealed class EtcdVipRecord
{
    /// <summary>Always <see cref="EtcdJson.Format"/>.</summary>
    [JsonRequired]
    public int Format { get; set; }

    /// <summary>The VIP's id (0 .. node.max_vips - 1).</summary>
    [JsonRequired]
    public uint Id { get; set; }

    /// <summary>The VIP as configured (YAML keys).</summary>
    [JsonRequired]
    public VipConfig Vip { get; set; } = new();

    /// <summary>Backend address (canonical text) → id (1 .. node.max_backends - 1), one per backend of <see cref="Vip"/>.</summary>
    [JsonRequired]
    public Dictionary<string, uint> BackendIds { get; set; } = [];
}

/// <summary><c>P/meta</c>: rewritten by every commit; the ids in quarantine.</summary>
internal sealed class EtcdMetaRecord
{
    /// <summary>Always <see cref="EtcdJson.Format"/>.</summary>
    [JsonRequired]
    public int Format { get; set; }

    /// <summary>Ids of removed VIPs and backends, not handed out again before their time.</summary>
    [JsonRequired]
    public List<EtcdReleasedRecord> Released { get; set; } = [];
}

/// <summary>One id in quarantine.</summary>
internal sealed class EtcdReleasedRecord
{
    /// <summary><c>vip</c> or <c>backend</c>.</summary>
    [JsonRequired]
    public string Kind { get; set; } = "";

    /// <summary>The id.</summary>
    [JsonRequired]
    public uint Id { get; set; }

    /// <summary>When the quarantine ends (wall clock).</summary>
    [JsonRequired]
    public DateTimeOffset Until { get; set; }
}

/// <summary>The cache file: the keys of the last read of the prefix, as read.</summary>
internal sealed class EtcdCacheRecord
{
    /// <summary>Always <see cref="EtcdJson.Format"/>.</summary>
    [JsonRequired]
    public int Format { get; set; }

    /// <summary>The prefix read; a cache of another prefix is not used.</summary>
    [JsonRequired]
    public string Prefix { get; set; } = "";

    /// <summary>The revision of the read.</summary>
    [JsonRequired]
    public long Revision { get; set; }

    /// <summary>The keys read, with their values as JSON.</summary>
    [JsonRequired]
    public List<EtcdCacheEntry> Entries { get; set; } = [];
}

/// <summary>One key of <see cref="EtcdCacheRecord"/>.</summary>
internal sealed class EtcdCacheEntry
{
    /// <summary>The whole key.</summary>
    [JsonRequired]
    public string Key { get; set; } = "";

    /// <summary>The revision of its last write.</summary>
    [JsonRequired]
    public long ModRevision { get; set; }

    /// <summary>Its value.</summary>
    [JsonRequired]
    public JsonElement Value { get; set; }
}

/// <summary>How the records are written and read.</summary>
internal static class EtcdJson
{
    /// <summary>The format this version writes and reads.</summary>
    public const int Format = 1;

    /// <summary>snake_case, nulls left out, unknown members refused, compact.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
