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
        md.AppendLine("| workload | StreamCore end to end MB/s | vs its SDK | vs tokenize floor (≥ 0.8×, stretch 1.0×) | its SDK MB/s | tokenize floor MB/s |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (string w in typed)
        {
            ResultRow? endToEnd = Find(rows, w, "StreamCore_EndToEnd");
            ResultRow? sdk = Find(rows, w, SdkFor(w));
            ResultRow? floor = Find(rows, w, ReportWriter.Floor);
            md.AppendLine(Inv, $"| {w} | {Mbps(endToEnd)} | {Ratio(sdk, endToEnd, SdkTarget(w), null)} | {Ratio(floor, endToEnd, FloorTarget, FloorStretch)} | {Mbps(sdk)} | {Mbps(floor)} |");
        }

        md.AppendLine();
        md.AppendLine("Allocation, in bytes per SSE event. The first four columns are BenchmarkDotNet's allocation per operation over the workload's events, which includes each stream's fixed cost; "
            + "\"per extra event\" is what one more event costs (`AllocationProbe`: the same stream generated with twice its deltas, the difference in bytes over the difference in events), the targets read literally.").AppendLine();
        md.AppendLine("| workload | end to end | strings kept | final text alone | updates | per extra event: updates (0) | per extra event: end to end beyond the kept strings (0) | its SDK |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string w in typed)
        {
            Workload workload = Workloads.Get(w);
            (double finalText, double kept) = StringBytesPerEvent(workload);
            AllocationProbe.Result? probe = Find(rows, w, "StreamCore_EndToEnd") is null && Find(rows, w, "StreamCore_Updates") is null ? null : AllocationProbe.Measure(w);
            string perExtraUpdates = probe is null ? "–" : PerEvent(probe.UpdatesPerEvent) + Over(probe.UpdatesPerEvent);
            string perExtraEndToEnd = probe is null ? "–" : PerEvent(probe.EndToEndBeyondKeptStrings) + Over(probe.EndToEndBeyondKeptStrings)
                + string.Create(Inv, $" (of {probe.EndToEndPerEvent:0.##} B, strings {probe.KeptStringsPerEvent:0.##} B)");
            md.Append(Inv, $"| {w} | {PerEvent(Find(rows, w, "StreamCore_EndToEnd")?.AllocatedBytesPerEvent)} | {PerEvent(kept)} | {PerEvent(finalText)} | {PerEvent(Find(rows, w, "StreamCore_Updates")?.AllocatedBytesPerEvent)} | ");
            md.AppendLine(Inv, $"{perExtraUpdates} | {perExtraEndToEnd} | {PerEvent(Find(rows, w, SdkFor(w))?.AllocatedBytesPerEvent)} |");
        }

        md.AppendLine();
        md.AppendLine("Ratios are speed-ups from this run's BenchmarkDotNet means (reference mean time / StreamCore's); `paired.md` has them measured in paired rounds. "
            + "Strings kept: text, reasoning, refusal and each tool call's id, name and arguments, as .NET strings (22 + 2 bytes per char, rounded up to 8); the final text alone is the text's string. "
            + "The corpora have no doubled version, so no per-extra-event figure.");
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
            }
            else
            {
                json.WriteNull("endToEndBytesPerEvent");
            }

            AllocationProbe.Result? probe = endToEnd is null && Find(rows, w, "StreamCore_Updates") is null ? null : AllocationProbe.Measure(w);
            if (probe is not null)
            {
                json.WriteStartObject("perExtraEvent");
                json.WriteNumber("updatesBytes", Math.Round(probe.UpdatesPerEvent, 2));
                json.WriteNumber("endToEndBytes", Math.Round(probe.EndToEndPerEvent, 2));
                json.WriteNumber("keptStringBytes", Math.Round(probe.KeptStringsPerEvent, 2));
                json.WriteNumber("endToEndBytesBeyondKeptStrings", Math.Round(probe.EndToEndBeyondKeptStrings, 2));
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("perExtraEvent");
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

    /// <summary>Allocation comes in whole objects: anything over half a byte per extra event is something allocated per event.</summary>
    private static string Over(double bytesPerEvent) => bytesPerEvent > 0.5 ? " (over)" : "";
}
