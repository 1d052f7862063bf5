namespace LoadBalancer.Bpf.Abi;

/// <summary>Three zero bytes of explicit padding, the C <c>__u8 pad[3]</c>.</summary>
[System.Runtime.CompilerServices.InlineArray(3)]
public struct Pad3
{
    private byte _element0;
}
