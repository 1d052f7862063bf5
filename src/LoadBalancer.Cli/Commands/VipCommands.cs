using System.CommandLine;
using System.Text;
using LoadBalancer.Cli.Client;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl vip list|add|remove|set</c>.</summary>
public static class VipCommands
{
    /// <summary>The command group.</summary>
    public static Command Build(CliContext cli)
    {
        var vip = new Command("vip", "List, create, remove and change VIPs. A VIP is ADDRESS:PORT/PROTO: 10.0.0.1:80/tcp, [fd00::1]:53/udp, 10.0.0.1:*/tcp (every port).");

        var list = new Command("list", "List the VIPs in force with their backends, weights and Maglev ring shares.");
        list.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var vips = await client.GetAsync<List<VipInfo>>("v1/vips", ct);
            cli.Print(parse, client, () => Render(vips));
        }, cancel));

        var key = new Argument<string>("vip") { Description = "ADDRESS:PORT/PROTO" };
        var backends = new Option<string[]>("--backend") { Description = "a backend, ADDRESS or ADDRESS=WEIGHT (repeat the option)", Required = true };

        var add = new Command("add", "Create a VIP with its backends; kept across restarts.");
        add.Arguments.Add(key);
        add.Options.Add(backends);
        add.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var request = new VipRequest(parse.GetValue(key)!, [.. parse.GetValue(backends)!.Select(BackendArgument.Parse)]);
            await Change(cli, parse, client, HttpMethod.Post, "v1/vips", request, ct);
        }, cancel));

        var remove = new Command("remove", "Remove a VIP and its backends; its traffic then drops as unserved, or passes if no VIP is left on the address.");
        remove.Arguments.Add(key);
        remove.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
            await Change(cli, parse, client, HttpMethod.Delete, $"v1/vips?vip={LbdClient.Q(parse.GetValue(key)!)}", null, ct), cancel));

        var set = new Command("set", "Replace a VIP's backends (the VIP is then managed at run time, even if the file declares it).");
        set.Arguments.Add(key);
        set.Options.Add(backends);
        set.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var request = parse.GetValue(backends)!.Select(BackendArgument.Parse).ToList();
            await Change(cli, parse, client, HttpMethod.Put, $"v1/vips/backends?vip={LbdClient.Q(parse.GetValue(key)!)}", request, ct);
        }, cancel));

        foreach (var command in new[] { list, add, remove, set })
        {
            vip.Subcommands.Add(command);
        }
        return vip;
    }

    /// <summary>Sends a change and prints what lbd applied.</summary>
    public static async Task Change(CliContext cli, ParseResult parse, LbdClient client, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var change = await client.SendAsync<ChangeResponse>(method, path, body, ct);
        cli.Print(parse, client, () => $"applied (generation {change.Generation}): {change.Summary}\n");
    }

    private static string Render(List<VipInfo> vips)
    {
        if (vips.Count == 0)
        {
            return "no VIPs\n";
        }
        var table = new Table("VIP", "SOURCE", "BACKEND", "WEIGHT", "RING SHARE", "STATE");
        foreach (var vip in vips)
        {
            var first = true;
            foreach (var backend in vip.Backends)
            {
                table.Row(first ? vip.Vip : "", first ? vip.Source : "", backend.Address, backend.Weight, $"{backend.RingShare * 100:0.0}%", backend.Drained ? "drained" : "active");
                first = false;
            }
        }
        return new StringBuilder().Append(table).ToString();
    }
}
