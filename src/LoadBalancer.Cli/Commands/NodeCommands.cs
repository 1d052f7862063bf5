using System.CommandLine;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl node drain|undrain</c>: take this LB node out of (or back into) the BGP announcements.</summary>
public static class NodeCommands
{
    /// <summary>The command group.</summary>
    public static Command Build(CliContext cli)
    {
        var node = new Command("node", "This LB node in a cluster: drain it (withdraw its VIPs from BGP) or put it back.");
        var grace = new Option<string?>("--grace") { Description = "how long the node keeps forwarding what the routers still send after the withdrawal [default: bgp.drain_grace]" };
        var drain = new Command("drain", "Withdraw every VIP from BGP so the routers move flows to the other nodes; the data plane keeps forwarding. Kept across restarts until undrain. Returns once the routes are withdrawn.");
        drain.Options.Add(grace);
        drain.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var value = parse.GetValue(grace);
            var info = await client.SendAsync<NodeInfo>(HttpMethod.Post, "v1/node/drain" + (value is null ? "" : $"?grace={Client.LbdClient.Q(value)}"), null, ct);
            cli.Print(parse, client, () => info.Bgp
                ? $"node {info.Phase}: VIPs withdrawn{(info.Announced.Count > 0 ? $", still announced: {string.Join(", ", info.Announced)}" : "")}; forwarding continues; safe to stop lbd after {info.GraceSeconds:0.#}s\n"
                : $"node {info.Phase} (no bgp section: nothing to withdraw)\n");
        }, cancel));
        var undrain = new Command("undrain", "Announce this node's VIPs again.");
        undrain.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var info = await client.SendAsync<NodeInfo>(HttpMethod.Post, "v1/node/undrain", null, ct);
            cli.Print(parse, client, () => info.Bgp
                ? $"node {info.Phase}: announced {(info.Announced.Count == 0 ? "nothing (no VIP can be served)" : string.Join(", ", info.Announced))}\n"
                : $"node {info.Phase}\n");
        }, cancel));
        node.Subcommands.Add(drain);
        node.Subcommands.Add(undrain);
        return node;
    }
}
