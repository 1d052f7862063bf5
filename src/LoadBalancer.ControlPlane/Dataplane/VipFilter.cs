using System.Buffers.Binary;
using System.Net;
using LoadBalancer.Bpf.Abi;

namespace LoadBalancer.ControlPlane.Dataplane;

/// <summary>
/// The VIP address bitmap of lb_vip_filter (see <c>enum lb_vip_filter</c> in lb_abi.h): a bit per
/// hash slot of every VIP address, so the data plane rejects other traffic with one bit test.
/// </summary>
public static class VipFilter
{
    /// <summary>The bitmap slot of <paramref name="address"/>.</summary>
    public static uint Slot(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var folded = BinaryPrimitives.ReadUInt32LittleEndian(bytes) ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..])
            ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) ^ BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        return unchecked(folded * 0x9e3779b1U) >> (32 - (int)LbVipFilter.Bits);
    }

    /// <summary>The bitmap words for VIPs at <paramref name="addresses"/>.</summary>
    public static ulong[] Build(IEnumerable<IPAddress> addresses)
    {
        var words = new ulong[(int)LbVipFilter.Words];
        foreach (var address in addresses)
        {
            var slot = Slot(address);
            words[slot / 64] |= 1UL << (int)(slot % 64);
        }
        return words;
    }
}
