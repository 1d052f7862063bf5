namespace LoadBalancer.Core.Tests.Hashing;

/// <summary>
/// A plain MurmurHash3_x86_32 over a byte string, written from the public algorithm description
/// (body of 4-byte little-endian blocks, 1-3 byte tail, length xor and fmix32). It shares no code
/// with <c>FlowHash</c>, so the two agreeing means the product hashes what it claims to.
/// </summary>
internal static class MurmurHash3
{
    public static uint Hash32(ReadOnlySpan<byte> data, uint seed)
    {
        const uint c1 = 0xcc9e2d51;
        const uint c2 = 0x1b873593;

        var h = seed;
        var blockCount = data.Length / 4;
        for (var i = 0; i < blockCount; i++)
        {
            var b = data.Slice(i * 4, 4);
            var k = b[0] | ((uint)b[1] << 8) | ((uint)b[2] << 16) | ((uint)b[3] << 24);
            k *= c1;
            k = RotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        var tail = data[(blockCount * 4)..];
        uint t = 0;
        if (tail.Length >= 3)
        {
            t ^= (uint)tail[2] << 16;
        }
        if (tail.Length >= 2)
        {
            t ^= (uint)tail[1] << 8;
        }
        if (tail.Length >= 1)
        {
            t ^= tail[0];
            t *= c1;
            t = RotateLeft(t, 15);
            t *= c2;
            h ^= t;
        }

        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    private static uint RotateLeft(uint x, int r) => (x << r) | (x >> (32 - r));
}
