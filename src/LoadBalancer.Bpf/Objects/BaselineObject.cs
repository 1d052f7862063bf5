using LoadBalancer.Bpf.Programs;

namespace LoadBalancer.Bpf.Objects;

/// <summary>The trivial programs of baseline.bpf.o: the benchmark baseline and the veth peer helper.</summary>
public sealed class BaselineObject : IDisposable
{
    private BaselineObject(BpfObject obj)
    {
        Tx = obj.Program("lb_xdp_tx");
        Pass = obj.Program("lb_xdp_pass");
    }

    /// <summary>lb_xdp_tx: returns XDP_TX and nothing else.</summary>
    public BpfProgram Tx { get; }

    /// <summary>lb_xdp_pass: returns XDP_PASS and nothing else.</summary>
    public BpfProgram Pass { get; }

    /// <summary>Opens and loads the embedded baseline.bpf.o.</summary>
    public static BaselineObject Load()
    {
        using var obj = BpfObject.Open(EmbeddedObject.Read(EmbeddedObject.Baseline), EmbeddedObject.Baseline);
        obj.Load();
        return new BaselineObject(obj);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Tx.Dispose();
        Pass.Dispose();
    }
}
