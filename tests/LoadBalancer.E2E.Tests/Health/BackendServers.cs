using System.Diagnostics;
using System.Globalization;
using LoadBalancer.Testing;

namespace LoadBalancer.E2E.Tests.Health;

/// <summary>
/// The topology's backend servers, taken over from topo.sh so a test can kill and restart them and
/// flip their health endpoints: each backend runs scripts/backend_server.py (HTTP :80, UDP :5353)
/// with <c>--health-file</c> (GET /healthz answers 200 unless the file exists, then the status in it)
/// and <c>--health-port 8080</c>. Disposing kills them; the topology's removal would too.
/// </summary>
public sealed class BackendServers : IDisposable
{
    /// <summary>The port every server also listens on, GET /healthz included.</summary>
    public const int HealthPort = 8080;

    private const string Python = "/usr/bin/python3";
    private readonly Topology _topology;
    private readonly Process?[] _servers;
    private readonly Task<string>?[] _output;
    private readonly HashSet<int> _localRuleMoved = [];

    public BackendServers(Topology topology)
    {
        _topology = topology;
        _servers = new Process?[topology.Backends + 1];
        _output = new Task<string>?[topology.Backends + 1];
        Directory = System.IO.Directory.CreateTempSubdirectory($"{TestEnvironment.RunPrefix}-health-").FullName;
        for (var i = 1; i <= topology.Backends; i++)
        {
            StopTopologyServer(i);
            Start(i);
        }
    }

    /// <summary>Where the health files live.</summary>
    public string Directory { get; }

    /// <summary>Backend <paramref name="i"/>'s health file: while it exists, its /healthz answers the status written in it.</summary>
    public string HealthFile(int i) => Path.Combine(Directory, $"be{i}.health");

    /// <summary>Backend <paramref name="i"/>'s GET /healthz answers <paramref name="status"/> from now on; its other paths still answer 200.</summary>
    public void FailHealth(int i, int status = 500) => File.WriteAllText(HealthFile(i), status.ToString(CultureInfo.InvariantCulture));

    /// <summary>Backend <paramref name="i"/>'s GET /healthz answers 200 again.</summary>
    public void PassHealth(int i) => File.Delete(HealthFile(i));

    public bool IsRunning(int i) => _servers[i] is { HasExited: false };

    /// <summary>Kills backend <paramref name="i"/>'s server (SIGKILL): its ports refuse connections at once.</summary>
    public void Kill(int i)
    {
        if (_servers[i] is not { } server)
        {
            return;
        }
        try
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
            server.WaitForExit();
        }
        finally
        {
            server.Dispose();
            _servers[i] = null;
        }
    }

    /// <summary>Starts backend <paramref name="i"/>'s server unless it runs, and waits until it answers on both ports.</summary>
    public void Start(int i)
    {
        if (IsRunning(i))
        {
            return;
        }
        Kill(i);
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            $"--net={_topology.NamespacePath($"be{i}")}", "--", Python, ScriptPath, "--name", $"be{i}",
            "--health-file", HealthFile(i), "--health-port", HealthPort.ToString(CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(arg);
        }
        var server = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start be{i}'s server");
        _servers[i] = server;
        var stdout = server.StandardOutput.ReadToEndAsync();
        var stderr = server.StandardError.ReadToEndAsync();
        _output[i] = Task.WhenAll(stdout, stderr).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
        WaitReady(i);
    }

    /// <summary>Every health file removed and every server running: the state each test starts from.</summary>
    public void Reset()
    {
        for (var i = 1; i <= _topology.Backends; i++)
        {
            PassHealth(i);
            Start(i);
        }
    }

    /// <summary>
    /// Drops every TCP packet to <paramref name="vip"/>:<paramref name="port"/> arriving at backend
    /// <paramref name="i"/> (SYNs included, silently: a policy-routing blackhole ahead of the local
    /// table), while its own address, where the balancer probes, still answers. Undone on dispose.
    /// </summary>
    public IDisposable BlackholeVip(int i, System.Net.IPAddress vip, int port)
    {
        var node = $"be{i}";
        if (_localRuleMoved.Add(i))
        {
            // The local table's rule has preference 0, ahead of anything added: move it behind ours.
            _topology.Exec(node, "ip", "rule", "add", "pref", "100", "lookup", "local");
            _topology.Exec(node, "ip", "rule", "del", "pref", "0", "lookup", "local");
        }
        _topology.Exec(node, "ip", "rule", "add", "pref", "10", "to", $"{vip}/32", "ipproto", "tcp", "dport",
            port.ToString(CultureInfo.InvariantCulture), "blackhole");
        return new Undo(() => Shell.TryRun("nsenter", $"--net={_topology.NamespacePath(node)}", "--", "ip", "rule", "del", "pref", "10"));
    }

    public void Dispose()
    {
        for (var i = 1; i < _servers.Length; i++)
        {
            try
            {
                Kill(i);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the topology's removal kills whatever is left in its namespaces.
            }
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string ScriptPath => Path.Combine(TestEnvironment.RepoRoot, "scripts", "backend_server.py");

    // topo.sh started a server in every backend namespace; stop it so ours can take its ports.
    private void StopTopologyServer(int i)
    {
        var pids = Shell.Run("ip", "netns", "pids", $"{_topology.Prefix}-be{i}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in pids)
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            }
            catch (IOException)
            {
                continue;
            }
            if (!cmdline.Contains("backend_server.py", StringComparison.Ordinal))
            {
                continue;
            }
            Shell.TryRun("kill", "-KILL", pid);
            var deadline = Stopwatch.StartNew();
            while (IsAlive(pid))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new TimeoutException($"topo.sh's server of be{i} (pid {pid}) did not exit");
                }
                Thread.Sleep(20);
            }
        }
    }

    // Alive = exists and not a zombie (a zombie holds no sockets; its parent may reap it late).
    private static bool IsAlive(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 1)..].TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private void WaitReady(int i)
    {
        var address = Topology.Backend4(i);
        var urls = new[] { $"http://{address}/", $"http://{address}:{HealthPort}/healthz" };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_servers[i] is not { HasExited: false } server)
            {
                throw new InvalidOperationException($"be{i}'s server exited at start:\n{Output(i)}");
            }
            if (urls.All(url => Shell.TryRun("nsenter", $"--net={_topology.NamespacePath("lb")}", "--",
                    "curl", "-s", "-m", "1", "-o", "/dev/null", "-w", "%{http_code}", url) is (0, "200")))
            {
                return;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                server.Kill();
                throw new TimeoutException($"be{i}'s server did not answer within 15 s:\n{Output(i)}");
            }
            Thread.Sleep(100);
        }
    }

    private string Output(int i)
    {
        _servers[i]?.WaitForExit(2000);
        return _output[i] is { IsCompleted: true } output ? output.Result : "(still running)";
    }

    private sealed class Undo(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
