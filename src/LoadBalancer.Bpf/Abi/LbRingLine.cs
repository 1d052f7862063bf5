namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// Mirrors <c>struct lb_ring_line</c>: the value of a Maglev ring's inner map, <see cref="LbAbi.RingLineSlots"/>
/// consecutive ring slots as 16-bit backend ids (0: none). Slot <c>s</c> is lane <c>s % 32</c> of line <c>s / 32</c>.
/// </summary>
[BpfAbi("lb_ring_line"), StructLayout(LayoutKind.Sequential)]
public struct LbRingLine
{
    /// <summary>The backend id of each slot of the line.</summary>
    public LbRingLineIds Id;
}
