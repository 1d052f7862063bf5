using System.Net.NetworkInformation;

namespace LoadBalancer.Bpf.Abi;

/// <summary>The six bytes of an Ethernet address, the C <c>__u8 mac[6]</c>.</summary>
[System.Runtime.CompilerServices.InlineArray(6)]
public struct MacBytes
{
    private byte _element0;

    /// <summary>The bytes of <paramref name="mac"/>.</summary>
    public static MacBytes From(PhysicalAddress mac)
    {
        var source = mac.GetAddressBytes();
        if (source.Length != 6)
        {
            throw new ArgumentException($"{mac} is not a 6-byte Ethernet address", nameof(mac));
        }
        var bytes = default(MacBytes);
        source.CopyTo(bytes);
        return bytes;
    }
}
