using Google.Protobuf;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// The key layout of a cluster's state under its prefix P (no trailing slash):
/// <c>P/vips/&lt;VIP key text&gt;</c> (e.g. <c>/lb/vips/10.0.0.1:80/tcp</c>, <c>/lb/vips/[fd00::1]:53/udp</c>),
/// one <see cref="EtcdVipRecord"/> per VIP; <c>P/meta</c>, one <see cref="EtcdMetaRecord"/> that every
/// commit rewrites, so its mod_revision is the revision of the last commit. Other keys under
/// <c>P/</c> are ignored.
/// </summary>
internal sealed class EtcdKeys(string prefix)
{
    /// <summary>The prefix, e.g. <c>/lb</c>.</summary>
    public string Prefix { get; } = prefix;

    /// <summary><c>P/</c>: everything of the cluster is under it.</summary>
    public string Root => Prefix + "/";

    /// <summary><c>P/meta</c>.</summary>
    public string Meta => Prefix + "/meta";

    /// <summary><c>P/vips/</c>.</summary>
    public string VipRoot => Prefix + "/vips/";

    /// <summary>The key of VIP <paramref name="vip"/>.</summary>
    public string Vip(VipKey vip) => VipRoot + vip;

    /// <summary>The end of the range of <see cref="Root"/> (the first key after every key that starts with it).</summary>
    public ByteString RootRangeEnd => RangeEnd(Root);

    /// <summary>True if <paramref name="key"/> is under <c>P/vips/</c>; <paramref name="vip"/> is what the rest parses as (null if it does not).</summary>
    public bool IsVip(string key, out string rest, out VipKey? vip)
    {
        vip = null;
        rest = "";
        if (!key.StartsWith(VipRoot, StringComparison.Ordinal))
        {
            return false;
        }
        rest = key[VipRoot.Length..];
        vip = VipKey.TryParse(rest, out var parsed) ? parsed : null;
        return true;
    }

    /// <summary>UTF-8 bytes of <paramref name="key"/>.</summary>
    public static ByteString Bytes(string key) => ByteString.CopyFromUtf8(key);

    // etcd's prefix convention: the prefix with its last byte incremented ("/lb/" -> "/lb0").
    private static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }
}
