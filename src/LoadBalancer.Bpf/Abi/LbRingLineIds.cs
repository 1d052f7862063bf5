namespace LoadBalancer.Bpf.Abi;

/// <summary>The C <c>__u16 id[LB_RING_LINE_SLOTS]</c> of <see cref="LbRingLine"/>: one backend id per ring slot.</summary>
[System.Runtime.CompilerServices.InlineArray((int)LbAbi.RingLineSlots)]
public struct LbRingLineIds
{
    private ushort _element0;
}
