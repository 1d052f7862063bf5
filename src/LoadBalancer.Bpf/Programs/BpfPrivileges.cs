using System.Globalization;

namespace LoadBalancer.Bpf.Programs;

/// <summary>
/// Checks up front that this process may load and attach BPF programs, so a missing privilege
/// reads as one clear line instead of an EPERM from deep inside libbpf.
/// </summary>
public static class BpfPrivileges
{
    private const int CapNetAdmin = 12;
    private const int CapSysAdmin = 21;
    private const int CapBpf = 39;

    /// <summary>Throws unless the effective capabilities include CAP_BPF and CAP_NET_ADMIN (or CAP_SYS_ADMIN).</summary>
    /// <exception cref="UnauthorizedAccessException">With a one-line message saying what is missing.</exception>
    public static void Demand()
    {
        var effective = EffectiveCapabilities();
        bool Has(int cap) => (effective & (1UL << cap)) != 0;
        var missing = new List<string>();
        if (!Has(CapBpf) && !Has(CapSysAdmin))
        {
            missing.Add("CAP_BPF");
        }
        if (!Has(CapNetAdmin) && !Has(CapSysAdmin))
        {
            missing.Add("CAP_NET_ADMIN");
        }
        if (missing.Count > 0)
        {
            throw new UnauthorizedAccessException($"loading the data plane needs root: this process lacks {string.Join(" and ", missing)}; run it as root (e.g. with sudo)");
        }
    }

    private static ulong EffectiveCapabilities()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is null ? 0 : ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
