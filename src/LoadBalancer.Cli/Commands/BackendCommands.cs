using System.CommandLine;
using LoadBalancer.Cli.Client;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl backend list|add|remove|weight|drain|undrain|disable|enable</c>.</summary>
public static class BackendCommands
{
    /// <summary>The command group.</summary>
    public static Command Build(CliContext cli)
    {
        var backend = new Command("backend", "List and change the backends of a VIP. Changes are kept across restarts.");
        var vip = new Argument<string>("vip") { Description = "ADDRESS:PORT/PROTO" };
        var address = new Argument<string>("address") { Description = "the backend's address" };

        var list = new Command("list", "List a VIP's backends with weight, share of new flows, active flows and state.");
        list.Arguments.Add(vip);
        list.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var vips = await client.GetAsync<List<VipInfo>>("v1/vips", ct);
            var wanted = parse.GetValue(vip)!;
            var match = vips.FirstOrDefault(v => v.Vip == Canonical(wanted)) ?? throw new LbctlException(ExitCodes.Refused, $"no VIP {wanted}");
            cli.Print(parse, client, () =>
            {
                var table = new Table("BACKEND", "ID", "WEIGHT", "SHARE", "ACTIVE", "STATE");
                foreach (var b in match.Backends)
                {
                    table.Row(b.Address, b.Id, b.Weight, VipCommands.ShareText(b), b.ActiveFlows, b.State);
                }
                return $"scheduler {match.Scheduler}\n{table}";
            });
        }, cancel));

        var weightOption = new Option<long>("--weight") { Description = "relative share of new flows, 0-65535", DefaultValueFactory = _ => 1 };
        var add = new Command("add", "Add a backend to a VIP.");
        add.Arguments.Add(vip);
        add.Arguments.Add(address);
        add.Options.Add(weightOption);
        add.SetAction((parse, cancel) => cli.Run(parse, (client, ct) =>
            VipCommands.Change(cli, parse, client, HttpMethod.Post, Path("v1/backends", parse, vip, null), new BackendRequest(parse.GetValue(address)!, parse.GetValue(weightOption)), ct), cancel));

        var remove = new Command("remove", "Remove a backend from a VIP; its flows move to the others at once (drain first to let them finish).");
        remove.Arguments.Add(vip);
        remove.Arguments.Add(address);
        remove.SetAction((parse, cancel) => cli.Run(parse, (client, ct) =>
            VipCommands.Change(cli, parse, client, HttpMethod.Delete, Path("v1/backends", parse, vip, address), null, ct), cancel));

        var weight = new Command("weight", "Set a backend's weight (0 takes no new flows).");
        var weightArgument = new Argument<long>("weight") { Description = "0-65535" };
        weight.Arguments.Add(vip);
        weight.Arguments.Add(address);
        weight.Arguments.Add(weightArgument);
        weight.SetAction((parse, cancel) => cli.Run(parse, (client, ct) =>
            VipCommands.Change(cli, parse, client, HttpMethod.Put, Path("v1/backends/weight", parse, vip, address), new WeightRequest(parse.GetValue(weightArgument)), ct), cancel));

        var drain = Toggle(cli, vip, address, "drain", "Stop sending new flows to a backend; its existing flows go on until they end or the VIP's drain_timeout passes, then they are removed. The weight is kept for undrain.");
        var undrain = Toggle(cli, vip, address, "undrain", "Let a drained backend take new flows again, ramping up over the VIP's slow_start.");
        var disable = Toggle(cli, vip, address, "disable", "Take a backend out of service at once: no new flows, its flows removed, no health probes.");
        var enable = Toggle(cli, vip, address, "enable", "Put a disabled backend back in service: it starts healthy and ramps up over the VIP's slow_start.");

        foreach (var command in new[] { list, add, remove, weight, drain, undrain, disable, enable })
        {
            backend.Subcommands.Add(command);
        }
        return backend;
    }

    // drain, undrain, disable and enable: POST v1/backends/NAME for one backend of a VIP.
    private static Command Toggle(CliContext cli, Argument<string> vip, Argument<string> address, string name, string description)
    {
        var command = new Command(name, description);
        command.Arguments.Add(vip);
        command.Arguments.Add(address);
        command.SetAction((parse, cancel) => cli.Run(parse, (client, ct) =>
            VipCommands.Change(cli, parse, client, HttpMethod.Post, Path($"v1/backends/{name}", parse, vip, address), null, ct), cancel));
        return command;
    }

    private static string Path(string route, ParseResult parse, Argument<string> vip, Argument<string>? address)
        => address is null
            ? $"{route}?vip={LbdClient.Q(parse.GetValue(vip)!)}"
            : $"{route}?vip={LbdClient.Q(parse.GetValue(vip)!)}&address={LbdClient.Q(parse.GetValue(address)!)}";

    private static string Canonical(string vip)
        => Core.Model.VipKey.TryParse(vip, out var key) ? key.ToString() : throw new LbctlException(ExitCodes.Usage, $"'{vip}' is not a VIP: write ADDRESS:PORT/PROTO");
}
