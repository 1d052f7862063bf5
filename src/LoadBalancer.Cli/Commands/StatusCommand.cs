using System.CommandLine;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl status</c>.</summary>
public static class StatusCommand
{
    /// <summary>The command.</summary>
    public static Command Build(CliContext cli)
    {
        var command = new Command("status", "Show lbd, its data plane and the configuration in force.");
        command.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var s = await client.GetAsync<StatusResponse>("v1/status", ct);
            cli.Print(parse, client, () =>
                $"""
                instance      {s.Instance} (lbd {s.Version})
                data plane    {(s.Attached ? "attached" : "NOT ATTACHED")} to {s.Interface}{(s.Reused ? ", taken over from an earlier run" : "")}; pinned at {s.PinDirectory}
                configuration {s.ConfigFile ?? "embedded default"}; run-time changes in {s.StateFile}
                generation    {s.Generation}, applied {s.AppliedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}
                in force      {Table.Count(s.Vips, "VIP")}, {Table.Count(s.Backends, "backend")}; flow table of {s.FlowTableCapacity} entries
                last error    {s.LastError ?? "none"}
                {Cluster(s)}
                """);
        }, cancel));
        return command;
    }

    // store, node drain and BGP lines; the store line only when it is not the node's files
    private static string Cluster(StatusResponse s)
    {
        var lines = new List<string>();
        if (s.Store is { Kind: not "file" } store)
        {
            var state = store.Stale ? $"STALE since {store.StaleSince?.ToLocalTime():yyyy-MM-dd HH:mm:ss} ({store.LastError}); running on the last state read" : "connected";
            lines.Add($"store         {store.Description}: {state}, revision {store.Revision}");
        }
        if (s.Node is { } node)
        {
            lines.Add(node.Phase == "serving" ? "node          serving"
                : $"node          {node.Phase.ToUpperInvariant()} since {node.DrainedSince?.ToLocalTime():yyyy-MM-dd HH:mm:ss} (grace {node.GraceSeconds:0.#}s); lbctl node undrain to serve again");
        }
        if (s.Bgp is { } bgp)
        {
            lines.Add($"bgp           {bgp.Speaker}; announced: {(bgp.Announced.Count == 0 ? "none" : string.Join(", ", bgp.Announced))}"
                + (bgp.Servable.Count != bgp.Announced.Count ? $" (servable: {(bgp.Servable.Count == 0 ? "none" : string.Join(", ", bgp.Servable))})" : ""));
            foreach (var peer in bgp.Peers)
            {
                lines.Add($"  peer        {peer.Address} AS {peer.As}: {peer.State}{(peer.Since is { } since ? $" since {since.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "")}");
            }
            if (bgp.LastError is not null)
            {
                lines.Add($"  error       {bgp.LastError}");
            }
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }
}
