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

                """);
        }, cancel));
        return command;
    }
}
