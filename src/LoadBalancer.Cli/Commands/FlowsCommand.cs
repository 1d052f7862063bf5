using System.CommandLine;
using LoadBalancer.Cli.Client;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl flows [--client ADDRESS:PORT --vip VIP]</c>.</summary>
public static class FlowsCommand
{
    /// <summary>The command.</summary>
    public static Command Build(CliContext cli)
    {
        var client = new Option<string?>("--client") { Description = "look up one flow: the client's ADDRESS:PORT ([IPv6]:PORT)" };
        var vip = new Option<string?>("--vip") { Description = "with --client: the VIP, ADDRESS:PORT/PROTO" };
        var command = new Command("flows", "Flow-table occupancy; with --client and --vip, that flow's entry (backend, VIP, idle time, still honoured or not).");
        command.Options.Add(client);
        command.Options.Add(vip);
        command.SetAction((parse, cancel) => cli.Run(parse, async (lbd, ct) =>
        {
            var path = parse.GetValue(client) is null && parse.GetValue(vip) is null
                ? "v1/flows"
                : $"v1/flows?client={LbdClient.Q(parse.GetValue(client) ?? "")}&vip={LbdClient.Q(parse.GetValue(vip) ?? "")}";
            var flows = await lbd.GetAsync<FlowsResponse>(path, ct);
            cli.Print(parse, lbd, () =>
            {
                var text = $"flow table: {flows.Entries} of {flows.Capacity} entries\n";
                if (flows.Flow is { } f)
                {
                    text += f.Found
                        ? $"{f.Flow}: pinned to {f.Backend ?? "a backend that is gone"} (VIP {f.Vip ?? "gone"}), idle {f.IdleSeconds:0.0} s, {(f.Live ? "honoured" : "stale: the next packet is placed again")}\n"
                        : $"{f.Flow}: no entry\n";
                }
                return text;
            });
        }, cancel));
        return command;
    }
}
