using ClaimsLedger.Infrastructure;
using ClaimsLedger.Infrastructure.Auth;
using ClaimsLedger.Infrastructure.Http;
using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Wolverine.Http;

namespace ClaimsLedger.RatingScales.GettingDetails;

/// <summary>Read model of a rating scale: the current ratings and every earlier version with its mapping.</summary>
public sealed record RatingScaleDetails(Guid Id, string Name, IReadOnlyList<RatingScaleVersion> Versions, DateTimeOffset DefinedAt, DateTimeOffset LastRevisedAt)
{
    public long Version { get; set; }

    public int CurrentVersion => Versions.Count;

    public IReadOnlyList<Rating> Ratings => Versions[^1].Ratings;

    /// <summary>Whether this is the scale that ships, not yet used (nothing stored yet).</summary>
    public bool BuiltIn { get; init; }

    public RatingScale ToScale() => new(Id, [.. Versions]);

    public static RatingScaleDetails BuiltInDefault() =>
        new(DefaultRatingScale.Id, DefaultRatingScale.Name, RatingScale.Create(DefaultRatingScale.Definition).Versions, DateTimeOffset.MinValue, DateTimeOffset.MinValue)
        {
            BuiltIn = true,
        };
}

public sealed partial class RatingScaleDetailsProjection : SingleStreamProjection<RatingScaleDetails, Guid>
{
    public static RatingScaleDetails Create(IEvent<RatingScaleDefined> e) =>
        new(e.Data.ScaleId, e.Data.Name, RatingScale.Create(e.Data).Versions, e.Timestamp, e.Timestamp);

    public static RatingScaleDetails Apply(IEvent<RatingScaleRevised> e, RatingScaleDetails details) =>
        details with { Name = e.Data.Name, Versions = details.ToScale().Apply(e.Data).Versions, LastRevisedAt = e.Timestamp };
}

/// <summary>A scale as decisions see it: from its own stream, or the default that ships, not yet stored.</summary>
public sealed record ScaleInUse(RatingScale Scale, bool Stored)
{
    /// <summary>Stores the default scale in this session's transaction the first time something uses it.</summary>
    public void StoreIfNeeded(IDocumentSession session)
    {
        if (!Stored)
        {
            session.Events.StartStream<RatingScale>(Scale.Id, DefaultRatingScale.Definition);
        }
    }
}

/// <summary>Where rating scales are read: the stored stream or view, or the default that ships before its first use.</summary>
public static class RatingScales
{
    public static async Task<RatingScaleDetails?> LoadAsync(IQuerySession session, Guid id, TimeTravel travel, CancellationToken cancellation) =>
        await travel.LoadAsync<RatingScaleDetails>(session, id, cancellation)
        ?? (id == DefaultRatingScale.Id ? RatingScaleDetails.BuiltInDefault() : null);

    /// <summary>For decisions: aggregated from the scale's own stream (not from the view, which a rebuild may be replacing).</summary>
    public static async Task<ScaleInUse?> LoadForDecisionAsync(IQuerySession session, Guid id, CancellationToken cancellation) =>
        await session.Events.AggregateStreamAsync<RatingScale>(id, token: cancellation) is { } stored
            ? new ScaleInUse(stored, Stored: true)
            : id == DefaultRatingScale.Id
                ? new ScaleInUse(RatingScale.Create(DefaultRatingScale.Definition), Stored: false)
                : null;
}

public static class GetRatingScaleEndpoint
{
    public static ProblemDetails Validate(string? asOf, string? knownAt) => TimeTravel.Read(asOf, knownAt, out _);

    /// <summary>One rating scale: its current ratings and every earlier version with the mapping from the one before; with <c>knownAt</c>, as recorded by then.</summary>
    [WolverineGet("/api/rating-scales/{id}"), RequiresRole(Roles.Reader)]
    [Tags("Rating scales")]
    [ProducesResponseType<RatingScaleDetails>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(Guid id, string? asOf, string? knownAt, IQuerySession session, CancellationToken cancellation)
    {
        TimeTravel.Read(asOf, knownAt, out var travel);
        return await RatingScales.LoadAsync(session, id, travel, cancellation) is { } scale
            ? Results.Json(scale)
            : Results.Problem(Problems.NotFound("rating scale", id));
    }
}

public static class ListRatingScalesEndpoint
{
    public static ProblemDetails Validate(int? limit, string? cursor) => Pagination.Check(limit, cursor);

    /// <summary>The rating scales by name, the default that ships among them.</summary>
    [WolverineGet("/api/rating-scales"), RequiresRole(Roles.Reader)]
    [Tags("Rating scales")]
    [ProducesResponseType<Page<RatingScaleDetails>>(StatusCodes.Status200OK, "application/json")]
    public static async Task<IResult> Get(int? limit, string? cursor, IQuerySession session, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var stored = session.Query<RatingScaleDetails>().OrderBy(scale => scale.Name).ThenBy(scale => scale.Id);
        return await session.LoadAsync<RatingScaleDetails>(DefaultRatingScale.Id, cancellation) is null
            ? await Pagination.PageAfterAsync(RatingScaleDetails.BuiltInDefault(), json.Value.SerializerOptions, stored, limit, cursor, cancellation)
            : await Pagination.PageAsync(stored, limit, cursor, cancellation);
    }
}
