// lbd: the load balancer daemon. This file only composes: the services live in
// LoadBalancer.ControlPlane (Hosting/DaemonServices.cs).
using System.CommandLine;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.ControlPlane.Hosting;
using Tmds.Linux;

var config = new Option<FileInfo?>("--config") { Description = "YAML configuration; without it lbd runs its embedded default (the demo topology)" };
var instance = new Option<string>("--instance") { Description = "instance name: pins under /sys/fs/bpf/NAME, socket /run/lb/NAME.sock, state /var/lib/lb/NAME", DefaultValueFactory = _ => "lb" };
var state = new Option<string?>("--state") { Description = "state file for run-time changes [default: /var/lib/lb/INSTANCE/state.json]" };
var pins = new Option<string?>("--pins") { Description = "bpffs directory for program, maps and link [default: /sys/fs/bpf/INSTANCE]" };
var socket = new Option<string?>("--socket") { Description = "Unix socket of the local API, mode 0600 [default: /run/lb/INSTANCE.sock]" };
var metrics = new Option<string>("--metrics") { Description = "Prometheus endpoint HOST:PORT; empty for none", DefaultValueFactory = _ => "127.0.0.1:9810" };

var root = new RootCommand("lbd: XDP L4 load balancer daemon. Loads (or takes over) the pinned data plane, applies the configuration and run-time changes, serves lbctl and Prometheus.");
foreach (var option in new Option[] { config, instance, state, pins, socket, metrics })
{
    root.Options.Add(option);
}
root.SetAction(async (parse, cancel) =>
{
    var options = new LbdOptions
    {
        Instance = parse.GetValue(instance)!,
        ConfigPath = parse.GetValue(config)?.FullName,
        EmbeddedConfig = parse.GetValue(config) is null ? DefaultConfig() : null,
        StatePath = parse.GetValue(state),
        PinDirectory = parse.GetValue(pins),
        ApiSocket = parse.GetValue(socket),
        Metrics = parse.GetValue(metrics) ?? "",
    };
    return await Run(options);
});

var detach = new Command("detach", "Detach and unpin the instance's data plane: forwarding stops and every flow is dropped.");
detach.Options.Add(instance);
detach.Options.Add(pins);
detach.SetAction(parse =>
{
    var options = new LbdOptions { Instance = parse.GetValue(instance)!, PinDirectory = parse.GetValue(pins) };
    var removed = DataplaneHost.Remove(options.EffectivePinDirectory);
    Console.WriteLine(removed ? $"lbd: detached and unpinned {options.EffectivePinDirectory}" : $"lbd: nothing pinned at {options.EffectivePinDirectory}");
    return 0;
});
root.Subcommands.Add(detach);

return await root.Parse(args).InvokeAsync();

static async Task<int> Run(LbdOptions options)
{
    LibC.umask(0b000_111_111); // state file and socket: owner only
    try
    {
        ApiSocket.Prepare(options.EffectiveApiSocket);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Host.UseSystemd();
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ");
        builder.AddLoadBalancerDaemon(options);
        var app = builder.Build();
        app.UseLoadBalancerDaemon(options);
        await app.RunAsync();
        return 0;
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"lbd: {e.Message}");
        return 1;
    }
}

static string DefaultConfig()
{
    using var stream = typeof(Program).Assembly.GetManifestResourceStream("default.yaml")!;
    return new StreamReader(stream).ReadToEnd();
}
