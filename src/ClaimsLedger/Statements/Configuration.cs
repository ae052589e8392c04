using ClaimsLedger.Statements.GettingDetails;
using JasperFx.Events.Projections;
using Marten;

namespace ClaimsLedger.Statements;

public static class Configuration
{
    public static StoreOptions AddStatements(this StoreOptions options)
    {
        // Inline: whoever records or corrects a statement reads their own write at once.
        options.Projections.Add<StatementDetailsProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<StatementDetails>()
            .Duplicate(details => details.Attribution.SpeakerId)
            .Duplicate(details => details.Attribution.OrganizationId)
            .Duplicate(details => details.StatedStart);
        return options;
    }
}
