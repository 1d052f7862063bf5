namespace LoadBalancer.Core.Model;

/// <summary>The "did you mean" of error messages: the known name nearest a misspelt one.</summary>
internal static class NearestName
{
    /// <summary>
    /// The name in <paramref name="names"/> nearest <paramref name="text"/> (the first of equals) if
    /// it is at most two edits away and not mostly rewritten (fewer edits than its length), else null.
    /// </summary>
    public static string? Find(IEnumerable<string> names, string text)
    {
        var near = names.MinBy(n => Distance(n, text));
        return near is not null && Distance(near, text) is var d && d <= 2 && d < near.Length ? near : null;
    }

    /// <summary>
    /// Edit distance counting single-character insertions, deletions, substitutions and swaps of
    /// neighbours as one edit each (optimal string alignment), so <c>wcl</c> is one edit from <c>wlc</c>.
    /// </summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
