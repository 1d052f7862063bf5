using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LoadBalancer.Core.Api;
using LoadBalancer.E2E.Tests.Daemon;

namespace LoadBalancer.E2E.Tests.Health;

/// <summary>What the health tests read from a running lbd: lbctl's JSON and the Prometheus text.</summary>
public static partial class HealthLbctl
{
    /// <summary><c>lbctl health --json</c>, the entry of <paramref name="vip"/>.</summary>
    public static HealthVipReport HealthOf(LbdProcess lbd, string vip)
    {
        var text = Lbctl.Ok(lbd, "health", "--json");
        var all = JsonSerializer.Deserialize<List<HealthVipReport>>(text, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"lbctl health --json printed null:\n{text}");
        return all.SingleOrDefault(v => v.Vip == vip) ?? throw new InvalidOperationException($"lbctl health --json has no VIP {vip}:\n{text}");
    }

    /// <summary>
    /// <c>lbctl backend list VIP --json</c>: each backend's share of new flows (null where the scheduler
    /// has none). The JSON is lbd's answer as is: the list of VIPs (today) or the one VIP.
    /// </summary>
    public static Dictionary<string, double?> Shares(LbdProcess lbd, string vip)
    {
        var text = Lbctl.Ok(lbd, "backend", "list", vip, "--json");
        var info = text.TrimStart().StartsWith('[')
            ? JsonSerializer.Deserialize<List<VipInfo>>(text, JsonSerializerOptions.Web)!.SingleOrDefault(v => v.Vip == vip)
            : JsonSerializer.Deserialize<VipInfo>(text, JsonSerializerOptions.Web);
        return info?.Backends.ToDictionary(b => b.Address, b => b.Share) ?? throw new InvalidOperationException($"lbctl backend list {vip} --json has no VIP {vip}:\n{text}");
    }


    /// <summary><c>lbctl flows --client ADDRESS:PORT --vip VIP --json</c>: the flow entry of one client connection.</summary>
    public static FlowEntry Flow(LbdProcess lbd, int clientPort, string vip)
    {
        var client = $"{Topology.Client4}:{clientPort.ToString(CultureInfo.InvariantCulture)}";
        var response = JsonSerializer.Deserialize<FlowsResponse>(Lbctl.Ok(lbd, "flows", "--client", client, "--vip", vip, "--json"), JsonSerializerOptions.Web)!;
        return response.Flow ?? throw new InvalidOperationException($"lbctl flows --client {client} --vip {vip} answered without a flow");
    }

    public static StatusResponse Status(LbdProcess lbd)
        => JsonSerializer.Deserialize<StatusResponse>(Lbctl.Ok(lbd, "status", "--json"), JsonSerializerOptions.Web)!;

    /// <summary>
    /// The samples of metric <paramref name="name"/> in <paramref name="metrics"/> whose labels include
    /// <paramref name="labels"/> (other labels may be there, in any order), with all their labels.
    /// </summary>
    public static List<(Dictionary<string, string> Labels, double Value)> Samples(string metrics, string name, params (string Name, string Value)[] labels)
    {
        var found = new List<(Dictionary<string, string>, double)>();
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                continue;
            }
            var close = line.LastIndexOf('}');
            var set = LabelPattern().Matches(close < 0 ? "" : line[..close]).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (labels.All(l => set.TryGetValue(l.Name, out var v) && v == l.Value))
            {
                var value = line[(close + 1)..].Trim().Split(' ')[0];
                found.Add((set, double.Parse(value, CultureInfo.InvariantCulture)));
            }
        }
        return found;
    }

    /// <summary>The one sample of <paramref name="name"/> with these labels; throws with the metric's lines if there is none.</summary>
    public static double Sample(string metrics, string name, params (string Name, string Value)[] labels)
    {
        var samples = Samples(metrics, name, labels);
        return samples.Count == 1
            ? samples[0].Value
            : throw new InvalidOperationException($"{samples.Count} samples of {name}{{{string.Join(',', labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}}; the metric's lines:\n"
                + string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal))));
    }

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
