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

    /// <summary>
    /// SYNs (ACK clear) on a flow entry whose handshake is open (neither established nor closed):
    /// the client repeats a SYN the backend left unanswered.
    /// </summary>
    public ulong SynRetransmits;

    /// <summary>
    /// Client RSTs on a flow entry whose handshake is open, which they close: the client gave up on
    /// the handshake, e.g. on a SYN-ACK that came after its connect timed out. At most one per entry.
    /// </summary>
    public ulong FreshRsts;

    /// <summary>
    /// New flows whose entry displaced that of another live flow the client had not closed (a full
    /// bucket of lb_flows): the table is short of slots.
    /// </summary>
    public ulong Evictions;

    /// <summary>The total of a per-CPU value.</summary>
    public static LbStats Sum(ReadOnlySpan<LbStats> perCpu)
    {
        var total = default(LbStats);
        foreach (var s in perCpu)
        {
            total.Packets += s.Packets;
            total.Bytes += s.Bytes;
            total.NewFlows += s.NewFlows;
            total.SynRetransmits += s.SynRetransmits;
            total.FreshRsts += s.FreshRsts;
            total.Evictions += s.Evictions;
        }
        return total;
    }
}
