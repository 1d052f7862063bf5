using System.Text.Json;
using LoadBalancer.ControlPlane.Store;

namespace LoadBalancer.ControlPlane.Cluster;

/// <summary>
/// Whether this LB node is drained (<c>lbctl node drain</c>): its VIPs are withdrawn from BGP so the
/// routers send new and moved flows to the other nodes, while its data plane keeps forwarding what
/// still arrives. Kept in a small file next to the state file, so a restarted lbd stays drained
/// until <c>lbctl node undrain</c>.
/// </summary>
public sealed class NodeDrain
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Marker? _marker;

    /// <summary>The drain state kept at <paramref name="path"/>; read now.</summary>
    /// <exception cref="InvalidDataException">The file is damaged.</exception>
    public NodeDrain(string path, TimeProvider time)
    {
        _path = path;
        _time = time;
        if (File.Exists(path))
        {
            try
            {
                _marker = JsonSerializer.Deserialize<Marker>(File.ReadAllText(path), s_json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"node drain file {path} is damaged ({e.Message}); remove it to undrain the node", e);
            }
        }
    }

    /// <summary>Raised after a drain or undrain.</summary>
    public event Action? Changed;

    /// <summary>Whether the node is drained.</summary>
    public bool Drained
    {
        get
        {
            lock (_lock)
            {
                return _marker is not null;
            }
        }
    }

    /// <summary>When the node was drained, and the grace it was given; null when serving.</summary>
    public (DateTimeOffset Since, TimeSpan Grace)? Current
    {
        get
        {
            lock (_lock)
            {
                return _marker is { } m ? (m.Since, m.Grace) : null;
            }
        }
    }

    /// <summary><c>serving</c>, <c>draining</c> (withdrawn, grace running) or <c>drained</c>.</summary>
    public string Phase => Current switch
    {
        null => "serving",
        var (since, grace) when _time.GetUtcNow() < since + grace => "draining",
        _ => "drained",
    };

    /// <summary>Drains the node (kept on disk); a node drained already keeps its time and grace.</summary>
    public async Task DrainAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        Marker marker;
        lock (_lock)
        {
            if (_marker is not null)
            {
                return;
            }
            marker = new Marker(_time.GetUtcNow(), grace);
        }
        await AtomicFile.WriteAsync(_path, JsonSerializer.Serialize(marker, s_json), cancellationToken);
        lock (_lock)
        {
            _marker = marker;
        }
        Changed?.Invoke();
    }

    /// <summary>Puts the node back in service.</summary>
    public void Undrain()
    {
        File.Delete(_path);
        lock (_lock)
        {
            _marker = null;
        }
        Changed?.Invoke();
    }

    private sealed record Marker(DateTimeOffset Since, TimeSpan Grace);
}
