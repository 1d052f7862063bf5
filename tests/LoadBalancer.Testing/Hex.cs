using System.Text;

namespace LoadBalancer.Testing;

/// <summary>Readable byte diffs for failed packet assertions.</summary>
public static class Hex
{
    /// <summary>Hex dump, 16 bytes a line with offsets.</summary>
    public static string Dump(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < data.Length; i += 16)
        {
            sb.Append($"{i:x4}  ");
            sb.AppendLine(Convert.ToHexString(data.Slice(i, Math.Min(16, data.Length - i))).ToLowerInvariant());
        }
        return sb.ToString();
    }

    /// <summary>Empty if equal; otherwise the first differing offset and both dumps.</summary>
    public static string Diff(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.SequenceEqual(actual))
        {
            return "";
        }
        var first = 0;
        while (first < expected.Length && first < actual.Length && expected[first] == actual[first])
        {
            first++;
        }
        return $"frames differ at byte {first} (expected {expected.Length} bytes, got {actual.Length})\nexpected:\n{Dump(expected)}actual:\n{Dump(actual)}";
    }
}
