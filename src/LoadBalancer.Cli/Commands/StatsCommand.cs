using System.CommandLine;
using System.Text;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl stats [--watch]</c>.</summary>
public static class StatsCommand
{
    /// <summary>The command.</summary>
    public static Command Build(CliContext cli)
    {
        var watch = new Option<bool>("--watch") { Description = "refresh until Ctrl-C, with rates since the previous refresh" };
        var interval = new Option<double>("--interval") { Description = "seconds between refreshes with --watch", DefaultValueFactory = _ => 1.0 };
        var count = new Option<int>("--count") { Description = "stop after this many refreshes (0 = never)" };
        var command = new Command("stats", "Per VIP and backend: packets, bytes, new flows (and rates with --watch); packets not forwarded, by reason; flow-table occupancy.");
        command.Options.Add(watch);
        command.Options.Add(interval);
        command.Options.Add(count);
        command.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            StatsResponse? previous = null;
            var limit = parse.GetValue(watch) ? parse.GetValue(count) : 1;
            for (var i = 0; limit == 0 || i < limit; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(interval))), ct);
                }
                var stats = await client.GetAsync<StatsResponse>("v1/stats", ct);
                var screen = parse.GetValue(watch) && !Console.IsOutputRedirected ? "\u001b[H\u001b[2J" : "";
                cli.Print(parse, client, () => screen + Render(stats, previous, parse.GetValue(watch)));
                previous = stats;
            }
        }, cancel));
        return command;
    }

    private static string Render(StatsResponse stats, StatsResponse? previous, bool rates)
    {
        var seconds = previous is null ? 0 : (stats.At - previous.At).TotalSeconds;
        // Rates need two samples: the first refresh of --watch shows "-".
        object Rate(ulong now, ulong? before) => seconds > 0 && before is { } b ? (now - b) / seconds : "-";
        var table = rates
            ? new Table("VIP / BACKEND", "PACKETS", "BYTES", "NEW FLOWS", "PKT/S", "FLOWS/S")
            : new Table("VIP / BACKEND", "PACKETS", "BYTES", "NEW FLOWS");
        void Row(string name, Traffic now, Traffic? before) => table.Row(rates
            ? [name, now.Packets, Table.Bytes(now.Bytes), now.NewFlows, Rate(now.Packets, before?.Packets), Rate(now.NewFlows, before?.NewFlows)]
            : [name, now.Packets, Table.Bytes(now.Bytes), now.NewFlows]);
        foreach (var vip in stats.Vips)
        {
            var pv = previous?.Vips.FirstOrDefault(v => v.Vip == vip.Vip);
            Row(vip.Vip, vip.Traffic, pv?.Traffic);
            foreach (var backend in vip.Backends)
            {
                var pb = pv?.Backends.FirstOrDefault(b => b.Address == backend.Address);
                Row($"  {backend.Address}{(backend.Drained ? " (drained)" : "")}", backend.Traffic, pb?.Traffic);
            }
        }
        var sb = new StringBuilder();
        sb.Append(stats.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).AppendLine();
        sb.Append(table);
        sb.AppendLine($"flow table: {stats.FlowTableEntries} of {stats.FlowTableCapacity} slots ({100.0 * stats.FlowTableEntries / Math.Max(1, stats.FlowTableCapacity):0.0}%), " +
            $"{stats.Vips.Sum(v => v.FlowEvictions)} live flows evicted from full buckets");
        var exits = stats.Reasons.Where(r => r.Packets > 0).ToList();
        sb.AppendLine(exits.Count == 0 ? "not forwarded: none" : "not forwarded: " + string.Join(", ", exits.Select(r => $"{r.Reason} {r.Packets}")));
        return sb.ToString();
    }
}
