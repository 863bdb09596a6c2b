package com.cataloghooks.console.deliveries;

import com.cataloghooks.delivery.history.DeliveryStats;
import io.quarkus.qute.TemplateData;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The last 24 hours of attempts as a picture read at a glance: a stacked bar per 5-minute bucket (succeeded at the
 * bottom, then retrying, then failed), the p95 latency as a line on its own scale, hour labels every 3 hours. Drawn
 * here as inline SVG (no script: the console's CSP allows none inline), with a {@code <title>}/{@code <desc>} that
 * say the totals, and the same numbers as a table of the non-empty buckets for whoever does not read the picture.
 */
@TemplateData
public final class DeliveryChart {

    public static final Duration BUCKET = Duration.ofMinutes(5);
    public static final Duration SPAN = Duration.ofHours(24);

    static final String SUCCEEDED = "#1a7f37";
    static final String RETRYING = "#b7791f";
    static final String FAILED = "#b42318";
    static final String P95 = "#0b5cad";

    private static final int WIDTH = 960;
    private static final int HEIGHT = 260;
    private static final int LEFT = 48;
    private static final int RIGHT = 56;
    private static final int TOP = 14;
    private static final int BOTTOM = 30;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final String id;
    private final String scope;
    private final List<DeliveryStats.Bucket> buckets;

    DeliveryChart(String id, String scope, List<DeliveryStats.Bucket> buckets) {
        this.id = id;
        this.scope = scope;
        this.buckets = buckets;
    }

    /** The element id prefix (a page may show more than one chart). */
    public String id() {
        return id;
    }

    /** Whose attempts: "all webhooks", or a webhook's URL. */
    public String scope() {
        return scope;
    }

    public long succeeded() {
        return buckets.stream().mapToLong(DeliveryStats.Bucket::succeeded).sum();
    }

    public long retrying() {
        return buckets.stream().mapToLong(DeliveryStats.Bucket::retrying).sum();
    }

    public long failed() {
        return buckets.stream().mapToLong(DeliveryStats.Bucket::failed).sum();
    }

    public long total() {
        return succeeded() + retrying() + failed();
    }

    /** The highest bucket p95, in ms; null when no attempt was timed. */
    public Integer peakP95() {
        return buckets.stream().map(DeliveryStats.Bucket::p95Ms).filter(java.util.Objects::nonNull)
                .max(Integer::compare).orElse(null);
    }

    /** The buckets with any attempt, for the data table. */
    public List<Row> rows() {
        return buckets.stream().filter(b -> b.total() > 0)
                .map(b -> new Row(WHEN.format(b.start()), b.succeeded(), b.retrying(), b.failed(), b.p95Ms())).toList();
    }

    /** One non-empty bucket as the data table shows it. */
    @TemplateData
    public record Row(String start, long succeeded, long retrying, long failed, Integer p95Ms) {
    }

    /** The whole text alternative of the picture, as {@code <desc>} says it. */
    public String summary() {
        Integer peak = peakP95();
        return "Attempts in the last 24 hours, " + scope + ", per 5-minute bucket: " + succeeded() + " succeeded, "
                + retrying() + " failed and retried, " + failed() + " failed for good. "
                + (peak == null ? "No latency measured." : "Highest 5-minute p95 latency: " + peak + " ms.");
    }

    /** The SVG, numbers and fixed words only (nothing a person typed), for {@code {chart.svg.raw}}. */
    public String svg() {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        long maxCount = Math.max(1, buckets.stream().mapToLong(DeliveryStats.Bucket::total).max().orElse(1));
        long countTop = niceCeiling(maxCount);
        Integer peak = peakP95();
        long msTop = niceCeiling(peak == null ? 1 : Math.max(1, peak));
        double step = (double) plotW / buckets.size();
        double barW = Math.max(0.6, step * 0.8);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-title ").append(id)
                .append("-desc\" id=\"").append(id).append("-svg\">");
        svg.append("<title id=\"").append(id).append("-title\">Deliveries, last 24 hours</title>");
        svg.append("<desc id=\"").append(id).append("-desc\">").append(escape(summary())).append("</desc>");
        // grid and left axis (attempts per bucket)
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            svg.append(line(LEFT, y, LEFT + plotW, y, "#d0d6de", 1));
            if (i == 0 || i == 4) {
                svg.append(text(LEFT - 6, y + 4, "end", Long.toString(i == 0 ? 0 : countTop)));
                svg.append(text(LEFT + plotW + 6, y + 4, "start", (i == 0 ? 0 : msTop) + " ms"));
            }
        }
        // bars
        for (int n = 0; n < buckets.size(); n++) {
            DeliveryStats.Bucket b = buckets.get(n);
            if (b.total() == 0) {
                continue;
            }
            double x = LEFT + n * step + (step - barW) / 2;
            double base = TOP + plotH;
            base = bar(svg, x, base, barW, b.succeeded(), countTop, plotH, SUCCEEDED, "succeeded");
            base = bar(svg, x, base, barW, b.retrying(), countTop, plotH, RETRYING, "retrying");
            bar(svg, x, base, barW, b.failed(), countTop, plotH, FAILED, "failed");
        }
        // p95 line, broken where a bucket had no timed attempt
        StringBuilder path = new StringBuilder();
        boolean drawing = false;
        for (int n = 0; n < buckets.size(); n++) {
            Integer p95 = buckets.get(n).p95Ms();
            if (p95 == null) {
                drawing = false;
                continue;
            }
            double x = LEFT + n * step + step / 2;
            double y = TOP + plotH - plotH * Math.min(1.0, p95 / (double) msTop);
            path.append(drawing ? " L" : " M").append(fmt(x)).append(' ').append(fmt(y));
            if (!drawing && (n + 1 >= buckets.size() || buckets.get(n + 1).p95Ms() == null)) {
                path.append(" h").append(fmt(Math.max(2, step))); // a lone point still shows
            }
            drawing = true;
        }
        if (!path.isEmpty()) {
            svg.append("<path class=\"p95\" d=\"").append(path.toString().strip()).append("\" fill=\"none\" stroke=\"")
                    .append(P95).append("\" stroke-width=\"2\"/>");
        }
        // hour labels every 3 hours (UTC)
        Instant first = buckets.get(0).start();
        long bucketSeconds = BUCKET.toSeconds();
        long hour = 3600;
        for (long t = Math.floorDiv(first.getEpochSecond(), hour) * hour + hour;
             t < first.getEpochSecond() + buckets.size() * bucketSeconds; t += hour) {
            if ((t / hour) % 3 != 0) {
                continue;
            }
            double x = LEFT + (t - first.getEpochSecond()) / (double) bucketSeconds * step;
            svg.append(line(x, TOP + plotH, x, TOP + plotH + 5, "#4d5561", 1));
            svg.append(text(x, HEIGHT - 8, "middle", HOUR.format(Instant.ofEpochSecond(t))));
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "#4d5561", 1));
        svg.append("</svg>");
        return svg.toString();
    }

    private static double bar(StringBuilder svg, double x, double base, double width, long count, long top, int plotH,
                              String fill, String what) {
        if (count == 0) {
            return base;
        }
        double h = plotH * count / (double) top;
        double y = base - h;
        svg.append("<rect class=\"bar ").append(what).append("\" x=\"").append(fmt(x)).append("\" y=\"")
                .append(fmt(y)).append("\" width=\"").append(fmt(width)).append("\" height=\"").append(fmt(h))
                .append("\" fill=\"").append(fill).append("\" data-count=\"").append(count).append("\"/>");
        return y;
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, int width) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + stroke + "\" stroke-width=\"" + width + "\" vector-effect=\"non-scaling-stroke\"/>";
    }

    private static String text(double x, double y, String anchor, String content) {
        return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor
                + "\" font-size=\"12\" fill=\"#4d5561\" aria-hidden=\"true\">" + escape(content) + "</text>";
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static long niceCeiling(long value) {
        long power = 1;
        while (power * 10 <= value) {
            power *= 10;
        }
        for (long m : new long[]{1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
