using System.Diagnostics;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Daemon;

/// <summary>
/// A real lbd process in the topology's lb namespace, with its own instance name, files, socket
/// and metrics port. Disposing kills it, detaches its data plane and removes its files.
/// </summary>
public sealed class LbdProcess : IDisposable
{
    private static int s_count;
    private Process? _process;
    private string _log = "";

    public LbdProcess(Topology topology, string? configYaml)
        : this(topology.NamespacePath("lb"), command => topology.Exec("lb", command), configYaml)
    {
    }

    /// <summary>An lbd in the namespace at <paramref name="namespacePath"/>; <paramref name="exec"/> runs a command there.</summary>
    public LbdProcess(string namespacePath, Func<string[], string> exec, string? configYaml)
    {
        NamespacePath = namespacePath;
        _exec = exec;
        var n = Interlocked.Increment(ref s_count);
        Instance = $"{TestEnvironment.RunPrefix}-d{n}";
        Directory = System.IO.Directory.CreateTempSubdirectory($"{Instance}-").FullName;
        Socket = Path.Combine(Directory, "lbd.sock");
        StatePath = Path.Combine(Directory, "state.json");
        PinDirectory = $"/sys/fs/bpf/{Instance}";
        MetricsPort = MetricsPortFor(System.Environment.ProcessId, n);
        if (configYaml is not null)
        {
            ConfigPath = Path.Combine(Directory, "lb.yaml");
            File.WriteAllText(ConfigPath, configYaml);
        }
    }

    /// <summary>The network namespace lbd runs in.</summary>
    public string NamespacePath { get; }

    private readonly Func<string[], string> _exec;

    public string Instance { get; }

    public string Directory { get; }

    public string Socket { get; }

    public string StatePath { get; }

    public string PinDirectory { get; }

    public string? ConfigPath { get; }

    public int MetricsPort { get; }

    // Metrics ports 19000-29999: a block of 50 for each test process (by pid), one port per lbd in it.
    private const int FirstMetricsPort = 19000;
    private const int PortsPerProcess = 50;
    private const int ProcessBlocks = (30000 - FirstMetricsPort) / PortsPerProcess;

    private static int MetricsPortFor(int pid, int n)
        => n is > 0 and < PortsPerProcess
            ? FirstMetricsPort + (pid % ProcessBlocks * PortsPerProcess) + n
            : throw new InvalidOperationException($"lbd #{n} of this test process: only {PortsPerProcess - 1} metrics ports are set aside per process");

    /// <summary>Variables added to lbd's environment at the next start.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    /// <summary>
    /// Run lbd as PID 1 of its own PID namespace, as in a container (stopping the launcher sends lbd
    /// SIGTERM); with NOTIFY_SOCKET set, that is where .NET speaks systemd's notify protocol.
    /// </summary>
    public bool AsPid1 { get; set; }

    /// <summary>What lbd printed, from every start.</summary>
    public string Log => _log + (_process is null ? "" : ReadCurrentOutput());

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts lbd and waits until its API answers; throws with its output if it exits or does not answer in time.</summary>
    public void Start(TimeSpan? timeout = null)
    {
        var (code, output) = StartAndWait(timeout ?? TimeSpan.FromSeconds(30));
        if (code is not null)
        {
            throw new InvalidOperationException($"lbd exited with {code} at start:\n{output}");
        }
    }

    /// <summary>Starts lbd; returns its exit code and output if it exits before its API answers, else (null, "").</summary>
    public (int? ExitCode, string Output) StartAndWait(TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in Environment)
        {
            psi.Environment[name] = value;
        }
        foreach (var arg in Arguments())
        {
            psi.ArgumentList.Add(arg);
        }
        _process = Process.Start(psi)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderr = _process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                var output = ReadCurrentOutput();
                _log += output;
                var code = _process.ExitCode;
                _process = null;
                return (code, output);
            }
            if (File.Exists(Socket) && Lbctl.Run(this, "status").ExitCode == 0)
            {
                return (null, "");
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"lbd did not answer within {timeout.TotalSeconds}s:\n{Log}");
    }

    /// <summary>Stops lbd with SIGTERM (graceful) or SIGKILL and waits for it to exit.</summary>
    public void Stop(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            // lbd may have died already (or die before the signal lands): then there is nothing to
            // signal, and from Dispose a failing kill would hide the test's own failure.
            if (!_process.HasExited)
            {
                var signalled = TryDaemonPid() is { } pid && Shell.TryRun("kill", kill ? "-KILL" : "-TERM", pid).ExitCode == 0;
                if (!(signalled && _process.WaitForExit(15_000)) && !_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            _process.WaitForExit();
            _log += ReadCurrentOutput();
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>Sends SIGHUP: reload the configuration.</summary>
    public void Hangup() => Shell.Run("kill", "-HUP", DaemonPid);

    // As PID 1 of its namespace lbd is the launcher's child (unshare ignores SIGTERM itself).
    private string DaemonPid => TryDaemonPid() ?? throw new InvalidOperationException($"lbd is not running:\n{Log}");

    private string? TryDaemonPid()
    {
        if (_process is not { HasExited: false } process)
        {
            return null;
        }
        var pid = AsPid1 ? ChildOf(process.Id) : process.Id;
        return pid?.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The Prometheus text, scraped from inside the lb namespace.</summary>
    public string Metrics() => _exec(["curl", "-s", "-m", "5", $"http://127.0.0.1:{MetricsPort}/metrics"]);

    public void Dispose()
    {
        try
        {
            Stop(kill: true);
        }
        finally
        {
            Shell.TryRun("dotnet", Tools.Lbd, "detach", "--instance", Instance, "--pins", PinDirectory);
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private Task<string>? _stdout;
    private Task<string>? _stderr;

    private string ReadCurrentOutput()
        => _process is { HasExited: true } && _stdout is not null ? _stdout.Result + _stderr!.Result : "";

    // The launcher's only child, or null once it has gone (or the launcher has).
    private static int? ChildOf(int pid)
    {
        string[] children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }
        return children.Length == 0 ? null : int.Parse(children.Single(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private IEnumerable<string> Arguments()
    {
        yield return $"--net={NamespacePath}";
        yield return "--";
        if (AsPid1)
        {
            yield return "unshare";
            yield return "--pid";
            yield return "--kill-child=SIGTERM";
            yield return "--";
        }
        yield return "dotnet";
        yield return Tools.Lbd;
        yield return "--instance";
        yield return Instance;
        yield return "--state";
        yield return StatePath;
        yield return "--socket";
        yield return Socket;
        yield return "--pins";
        yield return PinDirectory;
        yield return "--metrics";
        yield return $"127.0.0.1:{MetricsPort}";
        if (ConfigPath is not null)
        {
            yield return "--config";
            yield return ConfigPath;
        }
    }
}
