using LoadBalancer.Bpf.Programs;

namespace LoadBalancer.Bpf.Objects;

/// <summary>
/// The trivial programs benchmarks measure against: baseline.bpf.o (the XDP_TX baseline and the
/// veth peer helper) and lru_ref.bpf.o (a bare LRU lookup and insert).
/// </summary>
public sealed class BaselineObject : IDisposable
{
    private BaselineObject(BpfObject baseline, BpfObject lruReference)
    {
        Tx = baseline.Program("lb_xdp_tx");
        Pass = baseline.Program("lb_xdp_pass");
        LruInsert = lruReference.Program("lb_xdp_lru_ref");
    }

    /// <summary>lb_xdp_tx: returns XDP_TX and nothing else.</summary>
    public BpfProgram Tx { get; }

    /// <summary>lb_xdp_pass: returns XDP_PASS and nothing else.</summary>
    public BpfProgram Pass { get; }

    /// <summary>lb_xdp_lru_ref: one LRU lookup and, on a miss, one insert of the frame's IPv4/TCP 5-tuple.</summary>
    public BpfProgram LruInsert { get; }

    /// <summary>Opens and loads the embedded baseline.bpf.o and lru_ref.bpf.o.</summary>
    public static BaselineObject Load()
    {
        using var baseline = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.Baseline), EmbeddedObject.Baseline);
        baseline.Load();
        using var lruReference = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.LruReference), EmbeddedObject.LruReference);
        lruReference.Load();
        return new BaselineObject(baseline, lruReference);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Tx.Dispose();
        Pass.Dispose();
        LruInsert.Dispose();
    }
}
