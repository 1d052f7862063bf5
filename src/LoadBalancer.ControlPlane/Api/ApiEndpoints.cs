using System.Globalization;
using System.Net;
using System.Reflection;
using LoadBalancer.ControlPlane.Cluster;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Hosting;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Health;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LoadBalancer.ControlPlane.Api;

/// <summary>
/// The local API lbctl speaks, under <c>/v1</c>. VIPs and backends travel in the query string
/// (<c>?vip=10.0.0.1:80/tcp&amp;address=10.1.0.1</c>), which needs no path escaping. Refusals are
/// an <see cref="ErrorResponse"/>: 400 for invalid input (every problem listed), 404 for something
/// missing, 409 for something there already, 503 before the data plane runs.
/// </summary>
public static class ApiEndpoints
{
    private static readonly string s_version = typeof(ApiEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Maps every endpoint.</summary>
    public static IEndpointRouteBuilder MapLoadBalancerApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/status", Status);
        v1.MapGet("/vips", (Reconciler r, HealthBoard board) => Guard(r, state => Results.Ok(Vips(state, r.Host.Balancer, board))));
        v1.MapPost("/vips", (Reconciler r, VipRequest request, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.AddVip(file, overlay, ToConfig(request)), ct));
        v1.MapDelete("/vips", (Reconciler r, string vip, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.RemoveVip(file, overlay, VipKey.Parse(vip)), ct));
        v1.MapPatch("/vips", (Reconciler r, string vip, VipUpdate? update, CancellationToken ct) =>
            Change(r, (file, overlay) => Update(file, overlay, VipKey.Parse(vip), update), ct));
        v1.MapPost("/backends", (Reconciler r, string vip, BackendRequest? backend, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.AddBackend(file, overlay, VipKey.Parse(vip), ToConfig(backend)), ct));
        v1.MapDelete("/backends", (Reconciler r, string vip, string address, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.RemoveBackend(file, overlay, VipKey.Parse(vip), address), ct));
        v1.MapPut("/backends/weight", (Reconciler r, string vip, string address, WeightRequest weight, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.SetWeight(file, overlay, VipKey.Parse(vip), address, weight.Weight), ct));
        v1.MapPost("/backends/drain", (Reconciler r, string vip, string address, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.SetDrained(file, overlay, VipKey.Parse(vip), address, drained: true), ct));
        v1.MapPost("/backends/undrain", (Reconciler r, string vip, string address, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.SetDrained(file, overlay, VipKey.Parse(vip), address, drained: false), ct));
        v1.MapPost("/backends/disable", (Reconciler r, string vip, string address, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.SetDisabled(file, overlay, VipKey.Parse(vip), address, disabled: true), ct));
        v1.MapPost("/backends/enable", (Reconciler r, string vip, string address, CancellationToken ct) =>
            Change(r, (file, overlay) => StateChanges.SetDisabled(file, overlay, VipKey.Parse(vip), address, disabled: false), ct));
        v1.MapGet("/health", (Reconciler r, HealthBoard board, TimeProvider time) =>
            Guard(r, state => Results.Ok(HealthReports.Read(board, state, r.Host.Balancer, Monotonic.Now, time.GetUtcNow()))));
        v1.MapPost("/reload", async (Reconciler r, CancellationToken ct) =>
            await Run(async () => Results.Ok(Change(await r.ReloadAsync(ct)))));
        v1.MapGet("/stats", (Reconciler r, TimeProvider time) =>
            Guard(r, state => Results.Ok(StatsReader.Read(r.Host.Balancer, state, time.GetUtcNow()))));
        v1.MapGet("/flows", (Reconciler r, string? client, string? vip) => Guard(r, _ => Flows(r, client, vip)));
        v1.MapGet("/ring", (Reconciler r, string vip) => Guard(r, state => Ring(r, state, VipKey.Parse(vip))));
        v1.MapGet("/explain", (Reconciler r, string client, string vip) => Guard(r, _ => Explain(r, client, vip)));
        v1.MapPost("/node/drain", async (NodeDrain drain, AnnouncementService bgp, string? grace, CancellationToken ct) =>
            await Run(async () => Results.Ok(await ClusterReports.DrainAsync(drain, bgp, grace, ct))));
        v1.MapPost("/node/undrain", async (NodeDrain drain, AnnouncementService bgp, CancellationToken ct) =>
            await Run(async () => Results.Ok(await ClusterReports.UndrainAsync(drain, bgp, ct))));
        return app;
    }

    private static IResult Status(Reconciler r, LbdOptions options, Store.IDesiredStateStore store, NodeDrain drain, AnnouncementService bgp) => Guard(r, state => Results.Ok(new StatusResponse(
        options.Instance,
        s_version,
        r.Host.Interface,
        r.Host.Link.IsAttached,
        r.Host.Reused,
        r.Host.PinDirectory,
        store.ConfigPath,
        store.StatePath,
        state.Generation,
        state.AppliedAt,
        r.LastError,
        state.Spec.Vips.Count,
        state.Spec.Vips.Sum(v => v.Backends.Count),
        new FlowTable(r.Host.Balancer).Capacity)
    {
        Store = ClusterReports.Store(store),
        Node = ClusterReports.Node(drain, bgp),
        Bgp = ClusterReports.Bgp(bgp),
    }));

    private static List<VipInfo> Vips(ReconcilerState state, Bpf.Objects.BalancerObject balancer, HealthBoard board)
    {
        var ids = state.Plan.Backends.ToDictionary(p => p.Value, p => p.Key);
        var health = board.Evaluate(Monotonic.Now).SelectMany(v => v.Backends).ToDictionary(b => b.Backend, b => b.Verdict.State);
        return [.. state.Spec.Vips.Select(vip =>
        {
            var vipId = state.Plan.Vips[vip.Key];
            // what new flows draw from: the ring, the rr/wrr list; lc/wlc go by counts instead
            var draws = state.Plan.Rings.TryGetValue(vipId, out var ring) ? ring
                : vip.Scheduler is Scheduler.Rr or Scheduler.Wrr ? state.Plan.Lists[vipId] : null;
            var slots = new Dictionary<uint, int>();
            foreach (var id in draws ?? [])
            {
                slots[id] = slots.GetValueOrDefault(id) + 1;
            }
            var backends = vip.Backends.Select(b =>
            {
                var reference = new BackendRef(vip.Key, b.Address);
                var id = ids[reference];
                double? share = draws is null ? null : draws.Length == 0 ? 0 : slots.GetValueOrDefault(id) / (double)draws.Length;
                var state = health.TryGetValue(reference, out var known) ? BackendStates.Name(known) : "healthy";
                return new BackendInfo(b.Address.ToString(), b.Weight, b.Drained, id, share, StatsReader.ActiveFlows(balancer, id)) { State = state };
            });
            return new VipInfo(vip.Key.ToString(), state.Desired.Overlay.IsRuntimeVip(vip.Key) ? "runtime" : "config",
                Schedulers.Name(vip.Scheduler), !Schedulers.KeepsBackendAcrossNodes(vip.Scheduler), [.. backends]);
        })];
    }

    private static StateOverlay Update(BalancerConfig file, StateOverlay overlay, VipKey vip, VipUpdate? update)
    {
        if (update is null || (update.Backends is null && update.Scheduler is null))
        {
            throw new FormatException("the update names neither backends nor a scheduler");
        }
        if (update.Backends is not null)
        {
            overlay = StateChanges.SetBackends(file, overlay, vip, ToConfig(update.Backends));
        }
        return update.Scheduler is null ? overlay : StateChanges.SetScheduler(file, overlay, vip, update.Scheduler);
    }

    private static IResult Flows(Reconciler r, string? client, string? vip)
    {
        var balancer = r.Host.Balancer;
        FlowEntry? entry = null;
        if (client is not null || vip is not null)
        {
            if (client is null || vip is null)
            {
                return Error(400, "a flow lookup needs both client=ADDRESS:PORT and vip=ADDRESS:PORT/PROTO");
            }
            var (address, port) = ParseClient(client, requirePort: true);
            var target = VipKey.Parse(vip);
            entry = Explainer.Lookup(balancer, new FlowTuple(address, port, target.Address, target.Port, target.Protocol));
        }
        var flows = new FlowTable(balancer);
        return Results.Ok(new FlowsResponse(flows.Count(), flows.Capacity, entry));
    }

    private static IResult Ring(Reconciler r, ReconcilerState state, VipKey vip)
    {
        var planned = state.Plan.Vips.TryGetValue(vip, out var id) && state.Plan.Rings.TryGetValue(id, out var ring) ? ring : null;
        try
        {
            return Results.Ok(RingReader.Read(r.Host.Balancer, vip, planned));
        }
        catch (KeyNotFoundException e)
        {
            return Error(404, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Error(409, e.Message);
        }
    }

    private static IResult Explain(Reconciler r, string client, string vip)
    {
        var (address, port) = ParseClient(client, requirePort: false);
        return Results.Ok(Explainer.Explain(r.Host.Balancer, address, port, VipKey.Parse(vip)));
    }

    private static async Task<IResult> Change(Reconciler r, Func<BalancerConfig, StateOverlay, StateOverlay> change, CancellationToken ct)
        => await Run(async () => Results.Ok(Change(await r.ChangeAsync(change, ct)) with { Clustered = r.Clustered }));

    private static ChangeResponse Change(ChangeOutcome outcome) => new(outcome.Generation, outcome.Summary);

    private static IResult Guard(Reconciler r, Func<ReconcilerState, IResult> read)
    {
        try
        {
            return r.Current is { } state ? read(state) : Error(503, "the data plane is not running yet");
        }
        catch (FormatException e)
        {
            return Error(400, e.Message);
        }
        catch (Bpf.BpfException e)
        {
            return Error(500, e.Message);
        }
    }

    private static async Task<IResult> Run(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ConfigValidationException e)
        {
            return Results.Json(new ErrorResponse($"refused: {e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}; nothing changed", [.. e.Errors.Select(p => p.ToString())]), statusCode: 400);
        }
        catch (StateChangeException e)
        {
            return Error(e.Error switch
            {
                StateChangeError.Invalid => 400,
                StateChangeError.NotFound => 404,
                _ => 409,
            }, e.Message);
        }
        catch (FormatException e)
        {
            return Error(400, e.Message);
        }
        catch (Store.StoreUnavailableException e)
        {
            return Error(503, $"{e.Message}; nothing changed");
        }
        catch (Store.StoreConflictException e)
        {
            return Error(409, $"{e.Message}; nothing changed, try again");
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or Bpf.BpfException)
        {
            return Error(500, e.Message);
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message, []), statusCode: status);

    private static VipConfig ToConfig(VipRequest request)
    {
        var key = VipKey.Parse(request.Vip);
        return new VipConfig
        {
            Address = key.Address.ToString(),
            Port = key.Port,
            Protocol = key.Protocol.ToString().ToLowerInvariant(),
            // canonical as the file would spell it; an unknown name is left for validation to report
            Scheduler = request.Scheduler is null ? Schedulers.Name(Scheduler.Maglev)
                : Schedulers.TryParse(request.Scheduler, out var scheduler) ? Schedulers.Name(scheduler) : request.Scheduler,
            Backends = ToConfig(request.Backends),
        };
    }

    // JSON may leave out the list or put nulls in it: a 400 naming what is missing, not a 500.
    private static List<BackendConfig> ToConfig(IReadOnlyList<BackendRequest?>? backends)
        => backends is null
            ? throw new FormatException("the request has no backends list")
            : [.. backends.Select((b, i) => b is null ? throw new FormatException($"backends[{i}] is empty") : ToConfig(b))];

    private static BackendConfig ToConfig(BackendRequest? request)
        => request is null ? throw new FormatException("the request has no backend") : new() { Address = request.Address, Weight = request.Weight };

    /// <summary>ADDRESS, ADDRESS:PORT or [IPv6]:PORT; a missing port is 0.</summary>
    private static (IPAddress Address, ushort Port) ParseClient(string text, bool requirePort)
    {
        if (!requirePort && AddressText.TryParse(text, out var bare))
        {
            return (bare, 0);
        }
        if (AddressText.TrySplitHostPort(text, out var host, out var portText) && AddressText.TryParse(host, out var address)
            && ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0)
        {
            return (address, port);
        }
        throw new FormatException($"'{text}' is not a client ADDRESS{(requirePort ? ":PORT" : "[:PORT]")} (IPv6 as [ADDRESS]:PORT)");
    }
}
