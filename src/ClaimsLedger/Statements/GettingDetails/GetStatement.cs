using ClaimsLedger.Infrastructure.Auth;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClaimsLedger.Statements.GettingDetails;

public static class GetStatementEndpoint
{
    /// <summary>
    /// One statement as it stands, with its version for the next change. A withdrawn statement
    /// is still answered here (status "withdrawn", with the reason); lists and timelines leave it out.
    /// </summary>
    [WolverineGet("/api/statements/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Statements")]
    public static Task<StatementDetails?> Get(Guid id, IQuerySession session, CancellationToken cancellation) =>
        session.LoadAsync<StatementDetails>(id, cancellation);
}
