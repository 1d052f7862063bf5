using System.Globalization;

namespace LoadBalancer.Core.Config;

/// <summary>Durations as written in the configuration: a number and a unit, <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c>.</summary>
public static class Duration
{
    private static readonly (string Suffix, double Milliseconds)[] s_units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    /// <summary>Parses <paramref name="text"/>; false unless it is a non-negative number with a known unit.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        // "ms" comes before "m" and "s" in s_units, so "500ms" is never read as minutes or seconds.
        foreach (var (suffix, ms) in s_units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                // double.TryParse accepts NaN and Infinity whatever the style; TimeSpan cannot hold them.
                var total = number * ms;
                if (!double.IsFinite(total) || total > TimeSpan.MaxValue.TotalMilliseconds)
                {
                    return false;
                }
                value = TimeSpan.FromMilliseconds(total);
                return true;
            }
        }
        return false;
    }
}
