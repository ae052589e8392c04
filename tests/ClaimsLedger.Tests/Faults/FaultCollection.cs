namespace ClaimsLedger.Tests.Faults;

/// <summary>
/// Fault tests start service processes and clusters of their own: they run one after another, beside the
/// other collections, so two cores are not asked to start six services at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection
{
    public const string Name = "faults";
}
