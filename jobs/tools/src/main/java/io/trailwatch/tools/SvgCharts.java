package io.trailwatch.tools;

import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG, drawn here: stacked and grouped vertical bars (one column
 * per day) and horizontal bars. Every chart is an {@code img} with a title and a description
 * (what a screen reader says), every bar has a {@code <title>} (its tooltip: label and value) and
 * the class {@code mark}, which is what the browser test counts.
 */
final class SvgCharts {
  /** A series: its name (legend, tooltips) and colour. */
  record Series(String name, String colour) {}

  private static final int TOP = 12;
  private static final int BOTTOM = 30;
  private static final int LEFT = 46;
  private static final int RIGHT = 18;

  private SvgCharts() {}

  /**
   * One column per label, its values stacked from the first series up; {@code yMax} shared by
   * small multiples (0: this chart's own maximum).
   */
  static String stacked(String id, String title, String desc, List<String> labels, List<Series> series,
      long[][] values, int width, int height, long yMax) {
    long max = yMax;
    for (long[] col : values) {
      long sum = 0;
      for (long v : col) {
        sum += v;
      }
      max = Math.max(max, sum);
    }
    Frame f = new Frame(width, height, labels.size(), niceMax(max));
    StringBuilder sb = open(id, title, desc, width, height);
    f.axes(sb, labels);
    for (int i = 0; i < labels.size(); i++) {
      double y = f.y0();
      for (int s = 0; s < series.size(); s++) {
        long v = values[i][s];
        if (v <= 0) {
          continue;
        }
        double h = f.h(v);
        y -= h;
        rect(sb, f.x(i) + f.band() * 0.12, y, f.band() * 0.76, h, series.get(s).colour(),
            labels.get(i) + ", " + series.get(s).name() + ": " + v);
      }
    }
    return sb.append("</svg>").toString();
  }

  /** One column per label with one bar per series side by side (two policies' daily counts). */
  static String grouped(String id, String title, String desc, List<String> labels, List<Series> series,
      long[][] values, int width, int height) {
    long max = 0;
    for (long[] col : values) {
      for (long v : col) {
        max = Math.max(max, v);
      }
    }
    Frame f = new Frame(width, height, labels.size(), niceMax(max));
    StringBuilder sb = open(id, title, desc, width, height);
    f.axes(sb, labels);
    double inner = f.band() * 0.8 / series.size();
    for (int i = 0; i < labels.size(); i++) {
      for (int s = 0; s < series.size(); s++) {
        long v = values[i][s];
        if (v <= 0) {
          continue;
        }
        double h = f.h(v);
        rect(sb, f.x(i) + f.band() * 0.1 + s * inner, f.y0() - h, inner * 0.92, h, series.get(s).colour(),
            labels.get(i) + ", " + series.get(s).name() + ": " + v);
      }
    }
    return sb.append("</svg>").toString();
  }

  /** One row per label, a bar per series (each rule's count under each policy), the value written beside it. */
  static String horizontal(String id, String title, String desc, List<String> labels, List<Series> series,
      long[][] values, int width) {
    int row = 16 * series.size() + 14;
    int height = TOP + row * labels.size() + 6;
    int left = 16 + 8 * labels.stream().mapToInt(String::length).max().orElse(8);
    long max = 1;
    for (long[] r : values) {
      for (long v : r) {
        max = Math.max(max, v);
      }
    }
    double plot = width - left - 70;
    StringBuilder sb = open(id, title, desc, width, height);
    for (int i = 0; i < labels.size(); i++) {
      double top = TOP + i * row;
      sb.append(text(left - 8, top + row / 2.0, "end", "label", labels.get(i)));
      for (int s = 0; s < series.size(); s++) {
        long v = values[i][s];
        double y = top + 4 + s * 16;
        double w = v <= 0 ? 0 : Math.max(1.5, plot * v / max);
        if (v > 0) {
          rect(sb, left, y, w, 13, series.get(s).colour(), labels.get(i) + ", " + series.get(s).name() + ": " + v);
        }
        sb.append(text(left + w + 5, y + 10.5, "start", "value", String.format(Locale.ROOT, "%,d", v)
            + (series.size() > 1 ? " (" + series.get(s).name() + ")" : "")));
      }
    }
    return sb.append("</svg>").toString();
  }

  /** A small legend (HTML, so it wraps): a swatch and a name per series. */
  static String legend(List<Series> series) {
    StringBuilder sb = new StringBuilder("<ul class=\"legend\">");
    for (Series s : series) {
      sb.append("<li><span class=\"swatch\" style=\"background:").append(s.colour()).append("\"></span>")
          .append(Html.esc(s.name())).append("</li>");
    }
    return sb.append("</ul>").toString();
  }

  /** 1, 2, 5 times a power of ten, at least {@code max} (and at least 1). */
  static long niceMax(long max) {
    if (max <= 1) {
      return 1;
    }
    long step = niceStep(max / 4.0);
    return (long) Math.ceil((double) max / step) * step;
  }

  static long niceStep(double raw) {
    long p = 1;
    while (p * 10 <= raw) {
      p *= 10;
    }
    for (long m : new long[] {1, 2, 5, 10}) {
      if (p * m >= raw) {
        return Math.max(1, p * m);
      }
    }
    return p * 10;
  }

  private static StringBuilder open(String id, String title, String desc, int width, int height) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg id=\"").append(Html.esc(id)).append("\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(width).append(' ').append(height).append("\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" aria-labelledby=\"").append(id).append("-title ").append(id)
        .append("-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
    sb.append("<title id=\"").append(id).append("-title\">").append(Html.esc(title)).append("</title>");
    sb.append("<desc id=\"").append(id).append("-desc\">").append(Html.esc(desc)).append("</desc>");
    return sb;
  }

  private static void rect(StringBuilder sb, double x, double y, double w, double h, String fill, String label) {
    sb.append("<rect class=\"mark\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" width=\"")
        .append(fmt(w)).append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(fill).append("\"><title>")
        .append(Html.esc(label)).append("</title></rect>");
  }

  private static String text(double x, double y, String anchor, String cls, String s) {
    return "<text class=\"" + cls + "\" x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor
        + "\" dominant-baseline=\"middle\">" + Html.esc(s) + "</text>";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** The plot area of a column chart: scales, grid lines and labels. */
  private record Frame(int width, int height, int columns, long yMax) {
    double band() {
      return (width - LEFT - RIGHT) / (double) Math.max(1, columns);
    }

    double x(int i) {
      return LEFT + i * band();
    }

    double y0() {
      return height - BOTTOM;
    }

    double h(long v) {
      return (height - TOP - BOTTOM) * (double) v / yMax;
    }

    void axes(StringBuilder sb, List<String> labels) {
      long step = niceStep(yMax / 4.0);
      for (long v = 0; v <= yMax; v += step) {
        double y = y0() - h(v);
        sb.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(width - RIGHT)
            .append("\" y1=\"").append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>");
        sb.append(text(LEFT - 6, y, "end", "tick", String.format(Locale.ROOT, "%,d", v)));
      }
      int every = Math.max(1, (int) Math.ceil(columns / Math.max(1.0, (width - LEFT) / 48.0)));
      for (int i = 0; i < labels.size(); i += every) {
        sb.append(text(x(i) + band() / 2, y0() + 14, "middle", "tick", shortLabel(labels.get(i))));
      }
    }
  }

  /** A day label as MM-DD (the year is in the page's title). */
  static String shortLabel(String label) {
    return label.length() == 10 && label.charAt(4) == '-' ? label.substring(5) : label;
  }
}
