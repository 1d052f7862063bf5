using System.Buffers.Binary;

namespace LoadBalancer.Testing;

/// <summary>Writes frames to a classic pcap file (Ethernet link type) so a failure can be opened in Wireshark or tcpdump -r.</summary>
public static class Pcap
{
    /// <summary>Writes <paramref name="frames"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<byte[]> frames)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xa1b2c3d4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        file.Write(header);
        Span<byte> record = stackalloc byte[16];
        foreach (var frame in frames)
        {
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length);
            file.Write(record);
            file.Write(frame);
        }
    }
}
