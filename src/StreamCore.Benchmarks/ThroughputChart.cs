using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;

namespace StreamCore.Benchmarks;

/// <summary>
/// A grouped horizontal bar chart of MB/s, one group per workload and one bar per method, on a
/// logarithmic axis (the methods span several orders of magnitude). Plain SVG text.
/// </summary>
internal static class ThroughputChart
{
    private const int Width = 1000;
    private const int LabelWidth = 250;
    private const int PlotLeft = LabelWidth + 10;
    private const int PlotRight = Width - 110;
    private const int BarHeight = 16;
    private const int BarGap = 4;
    private const int GroupTitleHeight = 24;
    private const int GroupGap = 14;
    private const int Top = 92;

    // Colour-blind-friendly palette (Okabe-Ito plus greys); one colour per method, the same in every group.
    private static readonly string[] Palette =
    [
        "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#882255", "#117733", "#999999", "#555555", "#F0E442", "#000000",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(IReadOnlyList<ResultRow> rows, string subtitle)
    {
        string[] workloads = [.. rows.Select(r => r.Workload).Distinct()];
        string[] methods = [.. rows.Select(r => r.Method).Distinct().OrderBy(ReportWriter.MethodRank).ThenBy(m => m, StringComparer.Ordinal)];
        var colour = methods.Select((m, i) => (m, c: Palette[i % Palette.Length])).ToDictionary(x => x.m, x => x.c, StringComparer.Ordinal);

        double[] values = [.. rows.Select(r => r.MegabytesPerSecond).Where(v => v > 0)];
        int minDecade = values.Length == 0 ? 0 : (int)Math.Floor(Math.Log10(values.Min()));
        int maxDecade = values.Length == 0 ? 1 : (int)Math.Ceiling(Math.Log10(values.Max()));
        if (maxDecade <= minDecade)
        {
            maxDecade = minDecade + 1;
        }

        double X(double v) => PlotLeft + ((Math.Log10(Math.Max(v, Math.Pow(10, minDecade))) - minDecade) / (maxDecade - minDecade) * (PlotRight - PlotLeft));

        int height = Top + 56 + workloads.Sum(w => GroupTitleHeight + (rows.Count(r => r.Workload == w) * (BarHeight + BarGap)) + GroupGap);
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"Segoe UI, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append(Inv, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        svg.Append("<text x=\"20\" y=\"28\" font-size=\"18\" font-weight=\"bold\">Throughput by workload and method (MB/s, log scale, higher is better)</text>\n");
        svg.Append("<text x=\"20\" y=\"48\" fill=\"#555\">").Append(Escape(subtitle)).Append("</text>\n");
        svg.Append(Inv, $"<text x=\"{PlotLeft - 14}\" y=\"{Top - 12}\" text-anchor=\"end\" fill=\"#777\">MB/s</text>\n");

        // Decade grid lines and their labels, top and bottom.
        int plotTop = Top;
        int plotBottom = height - 56;
        for (int d = minDecade; d <= maxDecade; d++)
        {
            double x = X(Math.Pow(10, d));
            svg.Append(Inv, $"<line x1=\"{x:0.#}\" y1=\"{plotTop - 8}\" x2=\"{x:0.#}\" y2=\"{plotBottom}\" stroke=\"#ddd\"/>\n");
            string label = Math.Pow(10, d).ToString(d < 0 ? "0.###" : "N0", Inv);
            svg.Append(Inv, $"<text x=\"{x:0.#}\" y=\"{plotTop - 12}\" text-anchor=\"middle\" fill=\"#777\">{label}</text>\n");
            svg.Append(Inv, $"<text x=\"{x:0.#}\" y=\"{plotBottom + 16}\" text-anchor=\"middle\" fill=\"#777\">{label}</text>\n");
        }

        int y = plotTop;
        foreach (string workload in workloads)
        {
            Workload w = Workloads.Get(workload);
            svg.Append(Inv, $"<text x=\"20\" y=\"{y + 16}\" font-weight=\"bold\">{Escape(workload)}</text>");
            svg.Append(Inv, $"<text x=\"{PlotLeft}\" y=\"{y + 16}\" fill=\"#777\">{w.TotalBytes:N0} bytes, {w.EventCount:N0} events</text>\n");
            y += GroupTitleHeight;
            foreach (ResultRow row in rows.Where(r => r.Workload == workload).OrderBy(r => Array.IndexOf(methods, r.Method)))
            {
                double end = X(row.MegabytesPerSecond);
                svg.Append(Inv, $"<text x=\"{LabelWidth}\" y=\"{y + BarHeight - 4}\" text-anchor=\"end\">{Escape(row.Method)}</text>");
                svg.Append(Inv, $"<rect x=\"{PlotLeft}\" y=\"{y}\" width=\"{Math.Max(1, end - PlotLeft):0.#}\" height=\"{BarHeight}\" fill=\"{colour[row.Method]}\"><title>{Escape(row.Method)} on {Escape(workload)}: {ReportWriter.FormatMbps(row.MegabytesPerSecond)} MB/s</title></rect>");
                svg.Append(Inv, $"<text x=\"{end + 6:0.#}\" y=\"{y + BarHeight - 4}\">{ReportWriter.FormatMbps(row.MegabytesPerSecond)}</text>\n");
                y += BarHeight + BarGap;
            }

            y += GroupGap;
        }

        svg.Append(Inv, $"<text x=\"20\" y=\"{height - 14}\" fill=\"#555\">SseLayer_* and Floor_*: framing or tokenizing only. Baseline_* and StreamCore_*: the whole response. responses-*/anthropic-*: typed protocols.</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
