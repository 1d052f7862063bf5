using System.Text;

namespace LoadBalancer.Cli.Output;

/// <summary>A plain text table: a header, rows, columns padded to their widest cell; numbers (and "-") right-aligned.</summary>
public sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; missing cells are empty.</summary>
    public Table Row(params object?[] cells)
    {
        _rows.Add([.. Enumerable.Range(0, headers.Length).Select(i => i < cells.Length ? Format(cells[i]) : "")]);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var all = _rows.Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        var numeric = Enumerable.Range(0, headers.Length).Select(i => _rows.Count > 0 && _rows.All(r => r[i].Length == 0 || IsNumber(r[i]))).ToArray();
        var sb = new StringBuilder();
        foreach (var row in all)
        {
            var cells = row.Select((cell, i) => numeric[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            sb.AppendLine(string.Join("  ", cells).TrimEnd());
        }
        return sb.ToString();
    }

    /// <summary>"1 VIP", "2 VIPs".</summary>
    public static string Count(long n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Bytes in B, KiB, MiB, GiB.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : $"{bytes:0.0} {units[unit]}";
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        double d => d.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    // "-" (no value yet) sits in a number column like a number.
    private static bool IsNumber(string cell) => cell == "-" || double.TryParse(cell.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
