using System.Text;
using System.Text.Json;
using Marten.Linq.CursorPaging;
using Microsoft.AspNetCore.Mvc;

namespace ClaimsLedger.Infrastructure.Http;

/// <summary>A page of a list, and the opaque cursor that asks for the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Keyset pagination on Marten's own cursor support: a page costs the same however deep it
/// is, and its documents stream out as stored JSON without being materialized.
/// </summary>
public static class Pagination
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 100;
    private const int MaxCursorLength = 1_024;

    /// <summary>Checks the <c>limit</c> and <c>cursor</c> query parameters.</summary>
    public static ProblemDetails Check(int? limit, string? cursor)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        return cursor is { Length: > MaxCursorLength }
            ? Problems.Invalid("cursor", "cursor is not one this service issued.")
            : Problems.None;
    }

    /// <summary>
    /// Runs an ordered query (its last ordering must be unique, usually the id) as one page.
    /// A cursor this service did not issue, or one issued for another ordering, is a 400.
    /// </summary>
    public static async Task<IResult> PageAsync<T>(IQueryable<T> ordered, int? limit, string? cursor, CancellationToken cancellation)
        where T : notnull
    {
        CursorPageResult page;
        try
        {
            page = await ordered.ToJsonPageByCursorAsync(cursor, limit ?? DefaultLimit, cancellation);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            return Results.Problem(Problems.Invalid("cursor", "cursor is not one this service issued for this list."));
        }

        return Results.Text(Envelope(page.ItemsJson, page.NextCursor), "application/json", Encoding.UTF8);
    }

    /// <summary>
    /// As <see cref="PageAsync{T}"/>, but each stored document is turned into what the client sees by
    /// <paramref name="map"/> (a page holds at most <see cref="MaxLimit"/> documents).
    /// </summary>
    public static async Task<IResult> PageAsync<T, TItem>(
        IQueryable<T> ordered, int? limit, string? cursor, Func<T, TItem> map, JsonSerializerOptions json, CancellationToken cancellation)
        where T : notnull
    {
        CursorPageResult page;
        try
        {
            page = await ordered.ToJsonPageByCursorAsync(cursor, limit ?? DefaultLimit, cancellation);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            return Results.Problem(Problems.Invalid("cursor", "cursor is not one this service issued for this list."));
        }

        var items = JsonSerializer.Deserialize<List<T>>(page.ItemsJson, json) ?? [];
        return Results.Text(Envelope(JsonSerializer.Serialize(items.Select(map).ToList(), json), page.NextCursor), "application/json", Encoding.UTF8);
    }

    /// <summary>
    /// As <see cref="PageAsync{T}"/>, with <paramref name="first"/> (something not stored, such as a
    /// built-in default) shown at the head of the first page, which then holds one stored item fewer.
    /// </summary>
    public static async Task<IResult> PageAfterAsync<T>(T first, JsonSerializerOptions json, IQueryable<T> ordered, int? limit, string? cursor, CancellationToken cancellation)
        where T : notnull
    {
        if (cursor is not null)
        {
            return await PageAsync(ordered, limit, cursor, cancellation);
        }

        var page = await ordered.ToJsonPageByCursorAsync(null, Math.Max(1, (limit ?? DefaultLimit) - 1), cancellation);
        var stored = page.ItemsJson.Trim();
        var items = stored == "[]" ? $"[{JsonSerializer.Serialize(first, json)}]" : $"[{JsonSerializer.Serialize(first, json)},{stored[1..]}";
        return Results.Text(Envelope(items, page.NextCursor), "application/json", Encoding.UTF8);
    }

    private static string Envelope(string itemsJson, string? nextCursor) =>
        new StringBuilder(itemsJson.Length + 64)
            .Append("{\"items\":").Append(itemsJson)
            .Append(",\"nextCursor\":").Append(nextCursor is null ? "null" : JsonSerializer.Serialize(nextCursor))
            .Append('}')
            .ToString();
}
