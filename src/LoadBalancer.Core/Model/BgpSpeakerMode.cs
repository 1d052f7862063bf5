namespace LoadBalancer.Core.Model;

/// <summary>How lbd gets its BGP speaker.</summary>
public enum BgpSpeakerMode
{
    /// <summary>lbd runs gobgpd as its child and stops it when it stops (which withdraws every route).</summary>
    Start,

    /// <summary>lbd uses a gobgpd that runs on its own; lbd's routes are withdrawn when lbd stops.</summary>
    Connect,
}
