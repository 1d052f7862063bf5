namespace LoadBalancer.Bpf.Objects;

/// <summary>The BPF ELF objects built from bpf/ and embedded in this assembly at build time.</summary>
public static class EmbeddedObject
{
    /// <summary>balancer.bpf.o: lb_xdp_ingress.</summary>
    public const string Balancer = "balancer.bpf.o";

    /// <summary>decap.bpf.o: lb_xdp_decap.</summary>
    public const string Decap = "decap.bpf.o";

    /// <summary>baseline.bpf.o: lb_xdp_tx and lb_xdp_pass.</summary>
    public const string Baseline = "baseline.bpf.o";

    /// <summary>lru_ref.bpf.o: lb_xdp_lru_ref, the bare LRU insert benchmarks compare against.</summary>
    public const string LruReference = "lru_ref.bpf.o";

    /// <summary>The ELF bytes of <paramref name="name"/>.</summary>
    public static byte[] Read(string name)
    {
        using var stream = typeof(EmbeddedObject).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in {typeof(EmbeddedObject).Assembly.GetName().Name}; run `make bpf` and rebuild");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
