using System.CommandLine;
using System.Globalization;
using System.Text;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl health [VIP]</c>.</summary>
public static class HealthCommand
{
    /// <summary>The command.</summary>
    public static Command Build(CliContext cli)
    {
        var vip = new Argument<string?>("vip") { Description = "ADDRESS:PORT/PROTO; every VIP when left out", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("health", "Each backend's health: state, whether it takes new flows and why, the last probe's result and latency, the run of equal results, since when, its weight share while it ramps. Fail-open VIPs are marked.");
        command.Arguments.Add(vip);
        command.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var all = await client.GetAsync<List<VipHealth>>("v1/health", ct);
            var wanted = parse.GetValue(vip);
            if (wanted is not null)
            {
                var key = Core.Model.VipKey.TryParse(wanted, out var parsed) ? parsed.ToString() : throw new LbctlException(ExitCodes.Usage, $"'{wanted}' is not a VIP: write ADDRESS:PORT/PROTO");
                all = [.. all.Where(v => v.Vip == key)];
                if (all.Count == 0)
                {
                    throw new LbctlException(ExitCodes.Refused, $"no VIP {wanted}");
                }
            }
            cli.Print(parse, client, () => Render(all));
        }, cancel));
        return command;
    }

    private static string Render(List<VipHealth> vips)
    {
        if (vips.Count == 0)
        {
            return "no VIPs\n";
        }
        var sb = new StringBuilder();
        foreach (var vip in vips)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{vip.Vip}  check {vip.Check}, {vip.Healthy} of {vip.Total} healthy, {vip.Serving} taking new flows");
            sb.AppendLine(vip.FailOpen ? "  FAIL-OPEN: too few healthy, every backend takes new flows" : "");
            var table = new Table("BACKEND", "STATE", "NEW FLOWS", "LAST", "LATENCY", "RUN", "SINCE", "ACTIVE", "REASON");
            foreach (var b in vip.Backends)
            {
                table.Row(
                    b.Address,
                    b.State,
                    b.TakesNewFlows ? (b.WeightPercent < 100 ? $"yes {b.WeightPercent}%" : "yes") : "no",
                    b.LastResult ?? "-",
                    b.LatencyMs is { } ms ? $"{ms:0.0}ms" : "-",
                    b.Consecutive,
                    b.Since.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                    b.ActiveFlows,
                    b.Reason ?? (b.LastResult == "fail" ? b.LastDetail ?? "-" : "-"));
            }
            sb.Append(table).AppendLine();
        }
        return sb.ToString();
    }
}
