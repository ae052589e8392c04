namespace ClaimsLedger.Tests.Support;

/// <summary>
/// A host of its own for ingestion: speaker matching reads the whole registry, so these tests
/// must not see the speakers other collections register (the example data set many times over).
/// </summary>
public sealed class IngestionFixture : AppFixture;

[CollectionDefinition(Name)]
public sealed class IngestionCollection : ICollectionFixture<IngestionFixture>
{
    public const string Name = "ingestion";
}

/// <summary>Tests on the ingestion host.</summary>
[Collection(IngestionCollection.Name)]
public abstract class IngestionContext(IngestionFixture fixture) : HostContext(fixture);
