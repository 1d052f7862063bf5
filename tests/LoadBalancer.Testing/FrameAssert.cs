using Xunit;

namespace LoadBalancer.Testing;

/// <summary>Frame equality with a readable diff on failure.</summary>
public static class FrameAssert
{
    /// <summary>Fails with the first differing offset and both hex dumps unless the frames are equal.</summary>
    public static void Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
        => Assert.True(expected.SequenceEqual(actual), Hex.Diff(expected, actual));
}
