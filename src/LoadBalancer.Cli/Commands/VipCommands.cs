using System.CommandLine;
using System.Text;
using LoadBalancer.Cli.Client;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl vip list|add|remove|set|ring</c>.</summary>
public static class VipCommands
{
    /// <summary>The command group.</summary>
    public static Command Build(CliContext cli)
    {
        var vip = new Command("vip", "List, create, remove and change VIPs. A VIP is ADDRESS:PORT/PROTO: 10.0.0.1:80/tcp, [fd00::1]:53/udp, 10.0.0.1:*/tcp (every port).");

        var list = new Command("list", "List the VIPs in force with their scheduler, backends, weights, shares of new flows and active flows.");
        list.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var vips = await client.GetAsync<List<VipInfo>>("v1/vips", ct);
            cli.Print(parse, client, () => Render(vips));
        }, cancel));

        var key = new Argument<string>("vip") { Description = "ADDRESS:PORT/PROTO" };
        var backends = new Option<string[]>("--backend") { Description = "a backend, ADDRESS or ADDRESS=WEIGHT (repeat the option)", Required = true };
        var scheduler = new Option<string>("--scheduler")
        {
            Description = "how new flows are placed: " + string.Join("; ", Schedulers.All.Select(s => $"{Schedulers.Name(s)} = {Schedulers.Description(s)}")),
            HelpName = "NAME",
        };
        scheduler.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !Schedulers.TryParse(name, out _))
            {
                result.AddError(Schedulers.Unknown(name));
            }
        });

        var add = new Command("add", "Create a VIP with its backends; kept across restarts.");
        add.Arguments.Add(key);
        add.Options.Add(backends);
        add.Options.Add(scheduler);
        add.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var request = new VipRequest(parse.GetValue(key)!, [.. parse.GetValue(backends)!.Select(BackendArgument.Parse)], parse.GetValue(scheduler));
            var change = await Change(cli, parse, client, HttpMethod.Post, "v1/vips", request, ct);
            WarnIfPerNode(change, parse.GetValue(scheduler));
        }, cancel));

        var remove = new Command("remove", "Remove a VIP and its backends; its traffic then drops as unserved, or passes if no VIP is left on the address.");
        remove.Arguments.Add(key);
        remove.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
            await Change(cli, parse, client, HttpMethod.Delete, $"v1/vips?vip={LbdClient.Q(parse.GetValue(key)!)}", null, ct), cancel));

        var set = new Command("set", "Replace a VIP's backends, change its scheduler, or both at once (kept across restarts; a file VIP's backends set here are then managed at run time).");
        var setBackends = new Option<string[]>("--backend") { Description = backends.Description };
        set.Arguments.Add(key);
        set.Options.Add(setBackends);
        set.Options.Add(scheduler);
        set.Validators.Add(result =>
        {
            if (result.GetResult(setBackends) is null && result.GetResult(scheduler) is null)
            {
                result.AddError("vip set needs --backend, --scheduler or both");
            }
        });
        set.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            // an absent --backend reads as an empty array: leave the backends alone then
            var newBackends = parse.GetResult(setBackends) is null ? null : parse.GetValue(setBackends)!.Select(BackendArgument.Parse).ToList();
            var request = new VipUpdate(newBackends, parse.GetValue(scheduler));
            var change = await Change(cli, parse, client, HttpMethod.Patch, $"v1/vips?vip={LbdClient.Q(parse.GetValue(key)!)}", request, ct);
            WarnIfPerNode(change, request.Scheduler);
        }, cancel));

        var ring = new Command("ring", "Read a maglev or maglev-src VIP's ring back from the data plane's maps: its SHA-256 (equal on every node given the same state), whether it is the ring planned for the state in force, and each backend's slots.");
        var ringKey = new Argument<string>("vip") { Description = key.Description };
        ring.Arguments.Add(ringKey);
        ring.SetAction((parse, cancel) => cli.Run(parse, async (client, ct) =>
        {
            var read = await client.GetAsync<RingResponse>($"v1/ring?vip={LbdClient.Q(parse.GetValue(ringKey)!)}", ct);
            cli.Print(parse, client, () => Render(read));
        }, cancel));

        foreach (var command in new[] { list, add, remove, set, ring })
        {
            vip.Subcommands.Add(command);
        }
        return vip;
    }

    /// <summary>Sends a change and prints what lbd applied.</summary>
    public static async Task<ChangeResponse> Change(CliContext cli, ParseResult parse, LbdClient client, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var change = await client.SendAsync<ChangeResponse>(method, path, body, ct);
        cli.Print(parse, client, () => $"applied (generation {change.Generation}): {change.Summary}\n");
        return change;
    }

    /// <summary>A backend's share of new flows as lbctl shows it: <c>33.3%</c>, or <c>-</c> where counts decide (lc, wlc).</summary>
    public static string ShareText(BackendInfo backend) => backend.Share is { } share ? $"{share * 100:0.0}%" : "-";

    // The README's ECMP caveat, said where the choice is made, when the node is part of a cluster
    // (etcd store or BGP): then other nodes serve the same VIP.
    private static void WarnIfPerNode(ChangeResponse change, string? scheduler)
    {
        if (change.Clustered && scheduler is not null && Schedulers.TryParse(scheduler, out var parsed) && !Schedulers.KeepsBackendAcrossNodes(parsed))
        {
            Console.Error.WriteLine($"lbctl: warning: {Schedulers.Name(parsed)} decides on this node's state; if ECMP spreads the VIP over several nodes, a flow moved to another node may change backend (maglev and maglev-src do not)");
        }
    }

    private static string Render(List<VipInfo> vips)
    {
        if (vips.Count == 0)
        {
            return "no VIPs\n";
        }
        var table = new Table("VIP", "SOURCE", "SCHEDULER", "BACKEND", "WEIGHT", "SHARE", "ACTIVE", "STATE");
        foreach (var vip in vips)
        {
            var first = true;
            foreach (var backend in vip.Backends)
            {
                table.Row(first ? vip.Vip : "", first ? vip.Source : "", first ? vip.Scheduler : "", backend.Address, backend.Weight, ShareText(backend), backend.ActiveFlows, backend.State);
                first = false;
            }
        }
        return new StringBuilder().Append(table).ToString();
    }

    private static string Render(RingResponse ring)
    {
        var table = new Table("BACKEND", "ID", "SLOTS", "SHARE");
        foreach (var backend in ring.Backends)
        {
            table.Row(backend.Address ?? (backend.Id == 0 ? "(empty slot)" : "(unknown id)"), backend.Id, backend.Slots, $"{backend.Slots * 100.0 / ring.Size:0.0}%");
        }
        return $"""
            VIP      {ring.Vip} (id {ring.VipId}, {ring.Scheduler})
            ring     {ring.Size} slots read from lb_rings, {(ring.MatchesPlan ? "as planned" : "NOT the planned ring (a sync failed or is in progress: see lbctl status)")}
            sha256   {ring.Sha256}

            """ + table;
    }
}
