using System.Net;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>The BGP speaker's log messages (event ids 16xx).</summary>
internal static partial class BgpLog
{
    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "started {Program} (pid {Pid}), API at {Api}")]
    public static partial void GobgpdStarted(ILogger logger, string program, int pid, string api);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "BGP started on gobgpd at {Api}: AS {As}, router id {RouterId}, listen port {ListenPort}")]
    public static partial void BgpStarted(ILogger logger, string api, uint @as, string routerId, int listenPort);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "gobgpd at {Api} already runs BGP as AS {As}, router id {RouterId}: using it as it is")]
    public static partial void BgpAlreadyStarted(ILogger logger, string api, uint @as, string routerId);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Information, Message = "BGP peer {Peer} (AS {PeerAs}, port {Port}) added")]
    public static partial void PeerAdded(ILogger logger, IPAddress peer, uint peerAs, int port);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "BGP peer {Peer} is already configured on gobgpd: kept as it is")]
    public static partial void PeerKept(ILogger logger, string peer);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Information, Message = "announced {Prefix}, next hop {NextHop}")]
    public static partial void Announced(ILogger logger, string prefix, string nextHop);

    [LoggerMessage(EventId = 1607, Level = LogLevel.Information, Message = "withdrew {Prefix}")]
    public static partial void Withdrew(ILogger logger, string prefix);

    [LoggerMessage(EventId = 1608, Level = LogLevel.Warning, Message = "withdrawing {Vip} while stopping failed; it stays announced until gobgpd stops or is told otherwise")]
    public static partial void WithdrawOnStopFailed(ILogger logger, IPAddress vip, Exception exception);

    [LoggerMessage(EventId = 1609, Level = LogLevel.Debug, Message = "gobgpd[{Pid}]: {Line}")]
    public static partial void GobgpdOutput(ILogger logger, int pid, string line);

    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "gobgpd (pid {Pid}) did not stop within {Seconds}s of SIGTERM: killed")]
    public static partial void GobgpdKilled(ILogger logger, int pid, double seconds);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Information, Message = "gobgpd (pid {Pid}) stopped, exit code {ExitCode}")]
    public static partial void GobgpdStopped(ILogger logger, int pid, int exitCode);

    [LoggerMessage(EventId = 1612, Level = LogLevel.Warning, Message = "gobgpd (pid {Pid}) exited on its own with code {ExitCode}; its last output:\n{Tail}")]
    public static partial void GobgpdDied(ILogger logger, int pid, int exitCode, string tail);

    [LoggerMessage(EventId = 1613, Level = LogLevel.Warning, Message = "{Prefix} is in gobgpd's RIB but no peer session carries {Family} unicast: peer over {Family}, or set {Setting} to announce it over the other family")]
    public static partial void NoPeerCarries(ILogger logger, string prefix, string family, string setting);
}
