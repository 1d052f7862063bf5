namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_stats</c>: per-CPU traffic of a VIP or backend.</summary>
[BpfAbi("lb_stats"), StructLayout(LayoutKind.Sequential)]
public struct LbStats
{
    /// <summary>Packets forwarded.</summary>
    public ulong Packets;

    /// <summary>Their length as received, L2 included.</summary>
    public ulong Bytes;

    /// <summary>Flow-table entries created.</summary>
    public ulong NewFlows;

    /// <summary>The total of a per-CPU value.</summary>
    public static LbStats Sum(ReadOnlySpan<LbStats> perCpu)
    {
        var total = default(LbStats);
        foreach (var s in perCpu)
        {
            total.Packets += s.Packets;
            total.Bytes += s.Bytes;
            total.NewFlows += s.NewFlows;
        }
        return total;
    }
}
