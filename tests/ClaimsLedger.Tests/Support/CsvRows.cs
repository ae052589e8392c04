using System.Text;
using Alba;
using CsvHelper;
using Shouldly;

namespace ClaimsLedger.Tests.Support;

/// <summary>Reads a CSV download back with CsvHelper, as a spreadsheet importer would.</summary>
public static class CsvRows
{
    public static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The response body as the client received it, byte for byte.</summary>
    public static async Task<byte[]> BytesAsync(IScenarioResult result)
    {
        var body = result.Context.Response.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
        }

        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The data rows, each as column name to cell; asserts the UTF-8 byte order mark spreadsheets need.</summary>
    public static List<Dictionary<string, string?>> Parse(byte[] body)
    {
        body.Take(3).ShouldBe(Utf8Bom, "Excel reads UTF-8 only after a byte order mark");
        Encoding.UTF8.GetString(body).ShouldContain("\r\n", Case.Sensitive, "RFC 4180 ends records with CRLF");
        using var reader = CsvReader.Create(body);
        var rows = new List<Dictionary<string, string?>>();
        foreach (var row in reader)
        {
            rows.Add(row.ToDictionary());
        }

        return rows;
    }
}
