using Microsoft.Extensions.Logging;

namespace LoadBalancer.ControlPlane.Store;

public sealed partial class EtcdStateStore
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "seeded {Prefix} in etcd with the {Vips} VIPs of {Source} at revision {Revision}")]
    private partial void LogSeeded(string prefix, int vips, string source, long revision);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "{Prefix} in etcd holds the cluster's state: the {Vips} VIPs in {Source} are ignored (they only seed an empty prefix)")]
    private partial void LogSeedIgnored(string prefix, int vips, string source);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "etcd at {Endpoints} cannot be reached ({Reason}); this node runs on the last state it read until etcd answers again")]
    private partial void LogUnreachable(string endpoints, string reason);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "etcd at {Endpoints} reachable again after {Outage}; watching {Prefix}")]
    private partial void LogReachable(string endpoints, TimeSpan outage, string prefix);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Debug, Message = "watch on {Key} ended ({Reason}); retrying in {Delay}")]
    private partial void LogWatchRetry(string key, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Warning, Message = "etcd compacted past the start of the watch on {Key} (to revision {Compacted}); reading it whole again")]
    private partial void LogCompacted(string key, long compacted);

    [LoggerMessage(EventId = 1707, Level = LogLevel.Information, Message = "{Key} changed while it was not watched; read at revision {Revision}")]
    private partial void LogCaughtUp(string key, long revision);

    [LoggerMessage(EventId = 1708, Level = LogLevel.Warning, Message = "could not write the etcd cache {Path}: {Reason}")]
    private partial void LogCacheFailed(string path, string reason);

    [LoggerMessage(EventId = 1709, Level = LogLevel.Error, Message = "a handler of the store's Changed event failed")]
    private partial void LogHandlerFailed(Exception exception);

    [LoggerMessage(EventId = 1710, Level = LogLevel.Warning, Message = "the etcd cache {Path} is of prefix {Cached}, not {Prefix}; not used")]
    private partial void LogCacheOfOtherPrefix(string path, string cached, string prefix);

    [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "etcd at {Endpoints} cannot be reached; loaded the state read at revision {Revision} ({From})")]
    private partial void LogLoadedLastRead(string endpoints, long revision, string from);

    [LoggerMessage(EventId = 1712, Level = LogLevel.Debug, Message = "watching {Key} from revision {Revision}")]
    private partial void LogWatching(string key, long revision);
}
