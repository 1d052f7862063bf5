using System.Buffers.Binary;
using System.Net;

namespace LoadBalancer.Datapath.Tests;

/// <summary>Reads what the tests need back out of an emitted frame.</summary>
public static class Frames
{
    /// <summary>The outer destination (the backend) of an encapsulated frame.</summary>
    public static IPAddress OuterDestination(byte[] frame)
    {
        var l3 = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) is 0x8100 or 0x88a8 ? 18 : 14;
        return frame[l3] >> 4 == 4 ? new IPAddress(frame.AsSpan(l3 + 16, 4)) : new IPAddress(frame.AsSpan(l3 + 24, 16));
    }
}
