namespace LoadBalancer.Bpf.Abi;

/// <summary>Mirrors <c>struct lb_counter</c>: per-CPU packets and bytes of one exit reason.</summary>
[BpfAbi("lb_counter"), StructLayout(LayoutKind.Sequential)]
public struct LbCounter
{
    /// <summary>Packets.</summary>
    public ulong Packets;

    /// <summary>Their length as received, L2 included.</summary>
    public ulong Bytes;

    /// <summary>The total of a per-CPU value.</summary>
    public static LbCounter Sum(ReadOnlySpan<LbCounter> perCpu)
    {
        var total = default(LbCounter);
        foreach (var c in perCpu)
        {
            total.Packets += c.Packets;
            total.Bytes += c.Bytes;
        }
        return total;
    }
}
