using System.Globalization;
using System.Net;
using LoadBalancer.ControlPlane.Health.Probes;
using Xunit;

namespace LoadBalancer.ControlPlane.Tests.Health.Probes;

public sealed class CommandProbeTests : IDisposable
{
    // Far above a program start, so a loaded machine does not fail tests that are not about timeouts.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("lb-probe-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RunAsync_True_Passes()
    {
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Command(s_timeout, "/bin/true"), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
        Assert.Equal("exit 0", result.Detail);
    }

    [Fact]
    public async Task RunAsync_False_FailsExit1()
    {
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Command(s_timeout, "/bin/false"), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("exit 1", result.Detail);
    }

    [Fact]
    public async Task RunAsync_Environment_NamesBackendAndVip()
    {
        using var prober = new Prober(TimeProvider.System);
        const string Script = "echo \"$LB_BACKEND_ADDRESS $LB_BACKEND_PORT $LB_VIP_ADDRESS $LB_VIP_PORT $LB_VIP_PROTOCOL\"; exit 2";
        var spec = TestProbes.Command(s_timeout, "sh", "-c", Script) with { Port = 8080 };

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Parse("fd00:0::0:7")), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("exit 2: fd00::7 8080 10.0.0.1 80 tcp", result.Detail);
    }

    [Fact]
    public async Task RunAsync_NoPort_ProgramSeesZero()
    {
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(s_timeout, "sh", "-c", "test \"$LB_BACKEND_PORT\" = 0 && test \"$LB_BACKEND_ADDRESS\" = 127.0.0.1");

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.True(result.Passed, result.Detail);
    }

    [Fact]
    public async Task RunAsync_ArgumentsWithSpaces_ReachProgramUnsplit()
    {
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(s_timeout, "sh", "-c", "echo \"$#|$1|$2\"; exit 4", "sh", "two words", "$HOME");

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal("exit 4: 2|two words|$HOME", result.Detail);
    }

    [Fact]
    public async Task RunAsync_StderrAndStdout_DetailShowsFirstStderrLine()
    {
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(s_timeout, "sh", "-c", "echo out; echo; echo '  no backend  ' >&2; echo more >&2; exit 3");

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal("exit 3: no backend", result.Detail);
    }

    [Fact]
    public async Task RunAsync_LongOutput_DetailCutTo200Characters()
    {
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(s_timeout, "sh", "-c", "i=0; while [ $i -lt 20000 ]; do printf xxxxxxxxxx; i=$((i+1)); done; exit 5");

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal("exit 5: " + new string('x', 200), result.Detail);
    }

    [Fact]
    public async Task RunAsync_Sleep_KilledAtTimeoutAndReaped()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        var pidFile = Path.Combine(_directory, "pid");
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(timeout, "sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pidFile);

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("killed at the 500ms timeout", result.Detail);
        Assert.InRange(result.Latency, timeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
        var pid = ReadPid(pidFile);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"sleep (pid {pid}) still exists");
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsGrandchildrenToo()
    {
        var pidFile = Path.Combine(_directory, "pid");
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(TimeSpan.FromMilliseconds(500), "sh", "-c", "sleep 30 & echo $! > \"$0\"; wait", pidFile);

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal("killed at the 500ms timeout", result.Detail);
        Assert.True(await ProcessEndedAsync(ReadPid(pidFile)), "the background sleep survived the kill");
    }

    [Fact]
    public async Task RunAsync_StopRequested_KillsAndThrows()
    {
        var pidFile = Path.Combine(_directory, "pid");
        using var prober = new Prober(TimeProvider.System);
        using var stopping = new CancellationTokenSource();
        var spec = TestProbes.Command(TimeSpan.FromSeconds(30), "sh", "-c", "echo $$ > \"$0\"; exec sleep 30", pidFile);

        var probe = prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), stopping.Token);
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            await Task.Delay(10);
        }
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(Directory.Exists($"/proc/{ReadPid(pidFile)}"));
    }

    [Fact]
    public async Task RunAsync_MissingProgram_FailsCannotStart()
    {
        using var prober = new Prober(TimeProvider.System);

        var result = await prober.RunAsync(TestProbes.Command(s_timeout, "/nonexistent/lb-check"), TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("cannot start /nonexistent/lb-check: No such file or directory", result.Detail);
    }

    [Fact]
    public async Task RunAsync_ExitedLeavingChildOnPipe_AnswersWithoutWaitingForIt()
    {
        var pidFile = Path.Combine(_directory, "pid");
        using var prober = new Prober(TimeProvider.System);
        var spec = TestProbes.Command(s_timeout, "sh", "-c", "echo down >&2; sleep 3 & echo $! > \"$0\"; exit 6", pidFile);

        var result = await prober.RunAsync(spec, TestProbes.Target(IPAddress.Loopback), CancellationToken.None);

        Assert.Equal("exit 6: down", result.Detail);
        Assert.InRange(result.Latency, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        await ProcessEndedAsync(ReadPid(pidFile));
    }

    private static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="pid"/> is gone or a zombie (killed, its reaper not yet run) within 5 seconds.</summary>
    private static async Task<bool> ProcessEndedAsync(int pid)
    {
        for (var i = 0; i < 500; i++)
        {
            string stat;
            try
            {
                stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                return true;
            }
            // Field 3, after the parenthesised command name: R, S, D... or Z for a zombie.
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return true;
            }
            await Task.Delay(10);
        }
        return false;
    }
}
