using System.CommandLine;
using LoadBalancer.Cli.Client;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl explain CLIENT[:PORT] VIP</c>.</summary>
public static class ExplainCommand
{
    /// <summary>The command.</summary>
    public static Command Build(CliContext cli)
    {
        var client = new Argument<string>("client") { Description = "the client: ADDRESS or ADDRESS:PORT ([IPv6]:PORT); without a port, port 0" };
        var vip = new Argument<string>("vip") { Description = "the destination as sent: ADDRESS:PORT/PROTO" };
        var command = new Command("explain", "Say where the data plane sends a client's flow and why, from the live maps: VIP match, flow hash, the scheduler's pick for a new flow and its reasoning, flow-table entry, backend, outer source.");
        command.Arguments.Add(client);
        command.Arguments.Add(vip);
        command.SetAction((parse, cancel) => cli.Run(parse, async (lbd, ct) =>
        {
            var e = await lbd.GetAsync<ExplainResponse>($"v1/explain?client={LbdClient.Q(parse.GetValue(client)!)}&vip={LbdClient.Q(parse.GetValue(vip)!)}", ct);
            cli.Print(parse, lbd, () =>
                $"""
                flow          {e.Flow}
                VIP           {e.Vip ?? "none"} ({e.Match} match)
                flow hash     {(e.Hash is { } h ? $"0x{h:x8}" : "-")}
                scheduler     {e.Scheduler ?? "-"}
                new flow      {e.Placement ?? "-"}
                flow entry    {(e.FlowEntry is { } f ? $"{f.Backend ?? "gone"}, idle {f.IdleSeconds:0.0} s, {(f.Live ? "honoured" : "stale")}" : "none")}
                backend       {e.Backend ?? "none"}
                why           {e.Reason}
                outer source  {e.OuterSource ?? "-"}

                """);
        }, cancel));
        return command;
    }
}
