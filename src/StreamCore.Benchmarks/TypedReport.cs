using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace StreamCore.Benchmarks;

/// <summary>
/// The typed-protocol part of the reports: the targets, each typed workload's figures against
/// them (StreamCore end to end against the protocol's SDK and the tokenize floor, allocation per
/// event beside the bytes of the strings a caller keeps), for <c>results.md</c> and <c>results.json</c>.
/// </summary>
internal static class TypedReport
{
    /// <summary>StreamCore end to end over the tokenize floor: the target and the stretch.</summary>
    public const double FloorTarget = 0.8;
    public const double FloorStretch = 1.0;

    /// <summary>StreamCore end to end over the OpenAI .NET SDK 2.15 on Responses, and over the Anthropic .NET SDK 13.14 on Messages.</summary>
    public const double ResponsesSdkTarget = 10;
    public const double AnthropicSdkTarget = 30;

    public const string Targets =
        "Typed-protocol targets, as ratios in one run: StreamCore end to end at least 0.8× the tokenize floor on every typed workload (stretch: 1.0×), "
        + "which means at least 10× the OpenAI .NET SDK 2.15 (Responses) and 30× the Anthropic .NET SDK 13.14 (Messages); nothing allocated per event beyond the "
        + "strings the caller keeps, and 0 B per event for the updates.";

    public const string IssueFigures =
        "The issue's figures on those recordings, for comparison: OpenAI SDK 2.15 on Responses 44-62 MB/s with 2.9-6.7 KB allocated per event, "
        + "Anthropic SDK 10-17 MB/s with 5.4-5.8 KB per event, tokenize floor 440-840 MB/s, final text alone 29-39 B per event.";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The SDK a workload's StreamCore is compared with (the chat SDK for chat workloads).</summary>
    public static string SdkFor(string workload) => Workloads.ProtocolOf(workload) switch
    {
        StreamProtocol.Responses => ReportWriter.ResponsesSdk,
        StreamProtocol.AnthropicMessages => ReportWriter.AnthropicSdk,
        _ => ReportWriter.Sdk,
    };

    public static double SdkTarget(string workload) => Workloads.ProtocolOf(workload) == StreamProtocol.Responses ? ResponsesSdkTarget : AnthropicSdkTarget;

    /// <summary>
    /// The bytes per event of the strings a caller keeps, from the ground truth (or, for a corpus,
    /// the reference reading): the final text alone, and text + reasoning + refusal + each tool
    /// call's id, name and arguments. A .NET string of n chars takes 22 + 2n bytes, rounded up to 8.
    /// </summary>
    public static (double FinalText, double KeptStrings) StringBytesPerEvent(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        long text = 0, kept = 0;
        for (int i = 0; i < workload.Streams.Count; i++)
        {
            TypedResult r = workload.TypedExpected?[i] ?? TypedReferenceReader.Read(workload.Protocol, workload.Streams[i]);
            text += StringBytes(r.Text);
            kept += StringBytes(r.Text) + StringBytes(r.Reasoning) + StringBytes(r.Refusal)
                + r.ToolCalls.Sum(c => StringBytes(c.Id) + StringBytes(c.Name) + StringBytes(c.Arguments));
        }

        return ((double)text / workload.EventCount, (double)kept / workload.EventCount);
    }

    public static long StringBytes(string? s) => s is null ? 0 : (22 + (2L * s.Length) + 7) & ~7L;

    public static void AppendMarkdown(StringBuilder md, IReadOnlyList<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(md);
        string[] typed = [.. rows.Select(r => r.Workload).Distinct().Where(Workloads.TypedNames.Contains)];
        if (typed.Length == 0)
        {
            return;
        }

        md.AppendLine("## Typed protocols against the targets").AppendLine();
        md.AppendLine(Targets).AppendLine();
        md.AppendLine("| workload | StreamCore MB/s | vs its SDK | vs tokenize floor (≥ 0.8×, stretch 1.0×) | end to end B/event | kept strings B/event | final text B/event | beyond kept strings | updates B/event (0) | SDK MB/s | SDK B/event | floor MB/s |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string w in typed)
        {
            Workload workload = Workloads.Get(w);
            ResultRow? endToEnd = Find(rows, w, "StreamCore_EndToEnd");
            ResultRow? updates = Find(rows, w, "StreamCore_Updates");
            ResultRow? sdk = Find(rows, w, SdkFor(w));
            ResultRow? floor = Find(rows, w, ReportWriter.Floor);
            (double finalText, double kept) = StringBytesPerEvent(workload);
            double? beyond = endToEnd?.AllocatedBytesPerEvent is { } a ? a - kept : null;
            md.Append(Inv, $"| {w} | {Mbps(endToEnd)} | {Ratio(sdk, endToEnd, SdkTarget(w), null)} | {Ratio(floor, endToEnd, FloorTarget, FloorStretch)} | ");
            md.Append(Inv, $"{PerEvent(endToEnd?.AllocatedBytesPerEvent)} | {PerEvent(kept)} | {PerEvent(finalText)} | {PerEvent(beyond)} | ");
            md.Append(Inv, $"{PerEvent(updates?.AllocatedBytesPerEvent)}{UpdatesMark(workload, updates)} | {Mbps(sdk)} | {PerEvent(sdk?.AllocatedBytesPerEvent)} | {Mbps(floor)} |").AppendLine();
        }

        md.AppendLine();
        md.AppendLine("Ratios are speed-ups from this run's BenchmarkDotNet means (reference mean time / StreamCore's); `paired.md` has them measured in paired rounds. "
            + "Kept strings: text, reasoning, refusal and each tool call's id, name and arguments, as .NET strings (22 + 2 bytes per char, rounded up to 8), per SSE event; "
            + "the end-to-end figure also holds each stream's fixed objects (result, state, tool-call views, the few small strings such as id and model), spread over its events. "
            + "Updates: under 1 B per event on a one-stream workload means nothing is allocated per event (the tests pin exactly 0 with N against 2N events); on the corpora each stream's fixed cost dominates.");
        md.AppendLine().AppendLine(IssueFigures).AppendLine();
    }

    public static void WriteJson(Utf8JsonWriter json, IReadOnlyList<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject("typedTargets");
        json.WriteString("statement", Targets);
        json.WriteNumber("vsTokenizeFloor", FloorTarget);
        json.WriteNumber("vsTokenizeFloorStretch", FloorStretch);
        json.WriteNumber("vsOpenAiResponsesSdk", ResponsesSdkTarget);
        json.WriteNumber("vsAnthropicSdk", AnthropicSdkTarget);
        json.WriteNumber("updatesBytesPerEvent", 0);
        json.WriteString("issueFigures", IssueFigures);
        json.WriteStartArray("workloads");
        foreach (string w in rows.Select(r => r.Workload).Distinct().Where(Workloads.TypedNames.Contains))
        {
            ResultRow? endToEnd = Find(rows, w, "StreamCore_EndToEnd");
            (double finalText, double kept) = StringBytesPerEvent(Workloads.Get(w));
            json.WriteStartObject();
            json.WriteString("workload", w);
            json.WriteString("sdkMethod", SdkFor(w));
            json.WriteNumber("sdkTarget", SdkTarget(w));
            WriteRatio(json, "speedupVsSdk", Find(rows, w, SdkFor(w)), endToEnd);
            WriteRatio(json, "speedupVsTokenizeFloor", Find(rows, w, ReportWriter.Floor), endToEnd);
            json.WriteNumber("finalTextBytesPerEvent", Math.Round(finalText, 2));
            json.WriteNumber("keptStringBytesPerEvent", Math.Round(kept, 2));
            if (endToEnd?.AllocatedBytesPerEvent is { } a)
            {
                json.WriteNumber("endToEndBytesPerEvent", Math.Round(a, 2));
                json.WriteNumber("endToEndBytesPerEventBeyondKeptStrings", Math.Round(a - kept, 2));
            }
            else
            {
                json.WriteNull("endToEndBytesPerEvent");
                json.WriteNull("endToEndBytesPerEventBeyondKeptStrings");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRatio(Utf8JsonWriter json, string name, ResultRow? reference, ResultRow? streamCore)
    {
        if (reference is not null && streamCore is not null)
        {
            json.WriteNumber(name, Math.Round(reference.MeanNs / streamCore.MeanNs, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static ResultRow? Find(IReadOnlyList<ResultRow> rows, string workload, string method) =>
        rows.FirstOrDefault(r => r.Workload == workload && r.Method.Split(' ')[0] == method);

    private static string Mbps(ResultRow? row) => row is null ? "–" : ReportWriter.FormatMbps(row.MegabytesPerSecond);

    private static string PerEvent(double? bytes) => bytes is { } b ? b.ToString(Math.Abs(b) < 10 ? "0.##" : "N0", Inv) + " B" : "–";

    private static string Ratio(ResultRow? reference, ResultRow? streamCore, double target, double? stretch)
    {
        if (reference is null || streamCore is null)
        {
            return streamCore is null ? "– (StreamCore not measured)" : "–";
        }

        double r = reference.MeanNs / streamCore.MeanNs;
        string mark = r < target ? " (under)" : stretch is { } s && r >= s ? " (stretch met)" : "";
        return r.ToString(r >= 10 ? "N1" : "0.00", Inv) + "×" + mark;
    }

    private static string UpdatesMark(Workload workload, ResultRow? updates) =>
        updates?.AllocatedBytesPerEvent is not { } b || workload.Streams.Count > 1 ? "" : b < 1 ? "" : " (over)";
}
